#pragma once
// What the stream store contract suite runs against: a case (the backend, its options,
// its byte accounting, whether and how it persists) and the ways to get a backend
// through the C table (so every call crosses the ABI as JetStream's will):
//
//   load_stream_store_plugin(path, config, "memory")  the plugin's .so, created and started
//       on a FakeHost that declared jetstream.store first (as JetStream does when created);
//   through_table(std::make_shared<MyBackend>())      an in-process backend behind the
//       table register_stream_store_backend() would register.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "nats_sdk/kinds/stream_store_client.hpp"
#include "nats_sdk/kinds/stream_store_provider.hpp"
#include "nats_sdk/testing/fake_host.hpp"
#include "nats_sdk/testing/plugin_loader.hpp"
#include "nats_sdk/testing/stream_store_reference.hpp"

namespace nats_sdk::testing {

// nats-server 2.9.10's memStoreMsgSize: subject + headers + payload + 16 (sequence, time).
inline std::uint64_t memory_store_bytes(std::string_view subject, std::string_view headers, std::string_view payload) {
    return subject.size() + headers.size() + payload.size() + 16;
}

// nats-server 2.9.10's fileStoreMsgSize: record length 4, sequence 8, time 8, subject
// length 2, the subject, (header length 4 and the headers, when any), payload, hash 8.
inline std::uint64_t file_store_bytes(std::string_view subject, std::string_view headers, std::string_view payload) {
    const std::uint64_t base = 22 + subject.size() + payload.size() + 8;
    return headers.empty() ? base : base + 4 + headers.size();
}

// Damages the stored record of `sequence` in a closed store rooted at `root_dir` (a flipped
// byte in its payload is enough), so that reading it fails its check.
using CorruptRecord = std::function<void(const std::filesystem::path& root_dir, std::string_view account,
                                         std::string_view stream, std::uint64_t sequence)>;

struct StreamStoreContractCase {
    std::string name;  // letters, digits and '_' (it names the tests)
    // A fresh backend for each test, reached through an nmk_stream_store_table.
    std::function<std::shared_ptr<store::StoreBackend>()> factory;
    std::string options_json = "{}";
    bool persistent = false;                        // a store reopened on the same root keeps its streams
    MessageBytes message_bytes = memory_store_bytes;  // what state().bytes counts per message
    CorruptRecord corrupt = nullptr;                // persistent backends: damages one record
};

inline void PrintTo(const StreamStoreContractCase& c, std::ostream* out) { *out << c.name; }

namespace store_detail {

// A plugin file opened, created and started on its own FakeHost, which declared the kind.
struct LoadedStorePlugin {
    LoadedStorePlugin(const std::string& path, std::string_view config_json)
        : library(path), declared(declare_kind(host)), instance(library.descriptor(), host.api(), config_json) {
        instance.start();
    }
    static bool declare_kind(FakeHost& host) {
        const nmk_host_api* api = host.api();
        const nmk_status status = api->declare_kind(
            api->host, to_nmk(store::kind_name), NMK_KIND_VERSION(NMK_STREAM_STORE_MAJOR, NMK_STREAM_STORE_MINOR));
        if (status != NMK_OK) {
            throw PluginError("the FakeHost refused to declare " + std::string(store::kind_name));
        }
        return true;
    }

    PluginLibrary library;
    FakeHost host;
    bool declared;            // the kind, before the plugin is created
    PluginInstance instance;  // destroyed first: stop and destroy before the host and the unload
};

}  // namespace store_detail

// The stream store `backend_name` that the plugin at `path` registers once started with
// `config_json`. The plugin stays loaded until every store opened from the result is closed.
// Throws PluginError when loading, create or start fail or nothing of that name is registered.
inline std::shared_ptr<store::StoreBackend> load_stream_store_plugin(const std::string& path,
                                                                     std::string_view config_json,
                                                                     std::string_view backend_name) {
    auto loaded = std::make_shared<store_detail::LoadedStorePlugin>(path, config_json);
    const nmk_host_api* api = loaded->host.api();
    std::uint32_t provider = 0;
    const void* table = api->find_extension_versioned(api->host, to_nmk(store::kind_name),
                                                      NMK_KIND_VERSION(NMK_STREAM_STORE_MAJOR, NMK_STREAM_STORE_MINOR),
                                                      to_nmk(backend_name), &provider);
    if (table == nullptr) {
        throw PluginError("plugin " + path + " registered no stream store \"" + std::string(backend_name) + "\"");
    }
    return store::wrap_stream_store_table(static_cast<const nmk_stream_store_table*>(table), std::move(loaded));
}

// `backend` behind the C table its plugin would register (no host, no shared library).
inline std::shared_ptr<store::StoreBackend> through_table(std::shared_ptr<store::StoreBackend> backend) {
    auto registration = std::make_shared<store::StoreBackendRegistration>(std::move(backend));
    const nmk_stream_store_table* table = registration->table();
    return store::wrap_stream_store_table(table, std::move(registration));
}

// A directory of its own under the system's temporary folder, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "nats_store_contract_XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
        }
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace nats_sdk::testing
