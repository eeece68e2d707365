#pragma once
// Key/value buckets through libnats 3.4's KV API (kvStore_*), shared by kv_client_test.cpp
// and kv_watch_test.cpp: owners for the KV objects and a fixture with a JetStream server,
// a connection, a JetStream context and short ways to make buckets and read entries.
#include <string>
#include <vector>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {

struct KvStoreDeleter {
    void operator()(kvStore* kv) const { kvStore_Destroy(kv); }
};
struct KvEntryDeleter {
    void operator()(kvEntry* e) const { kvEntry_Destroy(e); }
};
struct KvWatcherDeleter {
    void operator()(kvWatcher* w) const { kvWatcher_Destroy(w); }
};
struct KvStatusDeleter {
    void operator()(kvStatus* s) const { kvStatus_Destroy(s); }
};
using KvStorePtr = std::unique_ptr<kvStore, KvStoreDeleter>;
using KvEntryPtr = std::unique_ptr<kvEntry, KvEntryDeleter>;
using KvWatcherPtr = std::unique_ptr<kvWatcher, KvWatcherDeleter>;
using KvStatusPtr = std::unique_ptr<kvStatus, KvStatusDeleter>;

// One entry as the tests compare it: key, value, revision, operation.
struct KvSeen {
    std::string key;
    std::string value;
    uint64_t revision = 0;
    kvOperation op = kvOp_Unknown;
    bool operator==(const KvSeen&) const = default;
};

inline std::ostream& operator<<(std::ostream& out, const KvSeen& e) {
    return out << "{" << e.key << "=" << e.value << " rev " << e.revision << " op " << static_cast<int>(e.op) << "}";
}

inline KvSeen seen(kvEntry* e) {
    return {kvEntry_Key(e), std::string(static_cast<const char*>(kvEntry_Value(e)), static_cast<size_t>(kvEntry_ValueLen(e))),
            kvEntry_Revision(e), kvEntry_Operation(e)};
}

class KvFixture : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        nc_ = test_support::nats_connect(server_->url());
        jsCtx* js = nullptr;
        test_support::nats_check(natsConnection_JetStream(&js, nc_.get(), nullptr), "JetStream context");
        js_.reset(js);
    }

    // A bucket with `history` and otherwise the defaults (file storage, no limits).
    KvStorePtr create_bucket(const char* name, uint8_t history = 1, jsStorageType storage = js_FileStorage) {
        kvConfig cfg;
        kvConfig_Init(&cfg);
        cfg.Bucket = name;
        cfg.History = history;
        cfg.StorageType = storage;
        return create_bucket(cfg);
    }
    KvStorePtr create_bucket(kvConfig& cfg) {
        kvStore* kv = nullptr;
        test_support::nats_check(js_CreateKeyValue(&kv, js_.get(), &cfg), "js_CreateKeyValue");
        return KvStorePtr(kv);
    }

    StreamInfoPtr stream_info(const char* stream) {
        jsStreamInfo* si = nullptr;
        test_support::nats_check(js_GetStreamInfo(&si, js_.get(), stream, nullptr, nullptr), "js_GetStreamInfo");
        return StreamInfoPtr(si);
    }

    static uint64_t put(kvStore* kv, const char* key, const std::string& value) {
        uint64_t rev = 0;
        test_support::nats_check(kvStore_Put(&rev, kv, key, value.data(), static_cast<int>(value.size())), "kvStore_Put");
        return rev;
    }

    // The entry for `key`, or a null pointer with the status when there is none.
    static KvEntryPtr get(kvStore* kv, const char* key, natsStatus* status = nullptr) {
        kvEntry* e = nullptr;
        const natsStatus s = kvStore_Get(&e, kv, key);
        if (status != nullptr) *status = s;
        return KvEntryPtr(s == NATS_OK ? e : nullptr);
    }

    // The value of `key`; "<status text>" when the get fails.
    static std::string value_of(kvStore* kv, const char* key) {
        natsStatus s = NATS_OK;
        auto e = get(kv, key, &s);
        if (!e) return std::string("<") + natsStatus_GetText(s) + ">";
        return seen(e.get()).value;
    }

    // Everything a watcher hands out up to and including the "initial values done" marker
    // (an empty entry), each wait bounded by `timeout`.
    static std::vector<KvSeen> initial_values(kvWatcher* w, std::chrono::milliseconds timeout = 5s) {
        std::vector<KvSeen> out;
        for (int i = 0; i < 100000; ++i) {
            kvEntry* e = nullptr;
            test_support::nats_check(kvWatcher_Next(&e, w, timeout.count()), "kvWatcher_Next (initial values)");
            if (e == nullptr) return out;
            out.push_back(seen(KvEntryPtr(e).get()));
        }
        ADD_FAILURE() << "no end-of-initial-values marker";
        return out;
    }

    // The next update the watcher hands out.
    static KvSeen next_update(kvWatcher* w, std::chrono::milliseconds timeout = 5s) {
        kvEntry* e = nullptr;
        test_support::nats_check(kvWatcher_Next(&e, w, timeout.count()), "kvWatcher_Next");
        if (e == nullptr) return {"<marker>", {}, 0, kvOp_Unknown};
        return seen(KvEntryPtr(e).get());
    }

    // No update arrives within `window`.
    static bool quiet(kvWatcher* w, std::chrono::milliseconds window) {
        kvEntry* e = nullptr;
        const natsStatus s = kvWatcher_Next(&e, w, window.count());
        KvEntryPtr owned(e);
        return s == NATS_TIMEOUT;
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    test_support::NatsConnectionPtr nc_;
    JsCtxPtr js_;
};

}  // namespace nats::integration
