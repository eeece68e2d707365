#include "tools/store_check/store_check.hpp"

#include <map>
#include <stdexcept>

#include <nats_sdk/kinds/stream_store.hpp>

#include "plugins/store_file/file_store.hpp"
#include "plugins/store_rocksdb/rocks_store.hpp"

namespace nats::store_check {

namespace {

namespace fs = std::filesystem;
using nats_sdk::store::LoadResult;
using nats_sdk::store::MessageView;

// The folder JetStream keeps its stores in.
fs::path jetstream_root(const fs::path& store_dir) {
    if (store_dir.filename() == "jetstream" || !fs::exists(store_dir / "jetstream")) return store_dir;
    return store_dir / "jetstream";
}

bool has_file_store(const fs::path& root) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        if (entry.is_directory() && entry.path().filename() != "rocksdb" && fs::exists(entry.path() / "streams")) return true;
    }
    return false;
}

StreamReport check_stream(const std::string& backend, nats_sdk::store::Store& store, std::string_view account,
                          std::string_view name, bool repair) {
    StreamReport r{backend, std::string(account), std::string(name)};
    auto stream = store.open_stream(account, name);
    const auto state = stream->state();
    r.first = state.first_sequence;
    r.last = state.last_sequence;

    // Every sequence in range, read and checked; the subjects recounted.
    std::map<std::string, nats_sdk::store::SubjectState> subjects;
    std::uint64_t bytes_seen = 0;
    for (std::uint64_t seq = state.first_sequence; seq != 0 && seq <= state.last_sequence; ++seq) {
        const LoadResult result = stream->load(seq, [&](const MessageView& m) {
            ++r.messages;
            bytes_seen += m.subject.size() + m.headers.size() + m.payload.size();
            auto& s = subjects[std::string(m.subject)];
            if (s.messages++ == 0) s.first_sequence = seq;
            s.last_sequence = seq;
        });
        if (result == LoadResult::corrupt) r.corrupt.push_back(seq);
    }
    (void)bytes_seen;

    // The counts and the index against what was read (a backend may count a corrupt record
    // as stored or leave it out: the file store drops it when recovery finds it).
    const std::uint64_t stored = r.messages + r.corrupt.size();
    if (stored != state.messages && r.messages != state.messages)
        r.index_problems.push_back("the stream counts " + std::to_string(state.messages) + " messages, " +
                                   std::to_string(stored) + " are there");
    std::map<std::string, nats_sdk::store::SubjectState> indexed;
    stream->subjects_state({}, [&](std::string_view subject, const nats_sdk::store::SubjectState& s) {
        indexed.emplace(std::string(subject), s);
    });
    for (const auto& [subject, s] : subjects) {
        const auto it = indexed.find(subject);
        if (it == indexed.end()) {
            r.index_problems.push_back("subject '" + subject + "' is missing from the index");
        } else if (r.corrupt.empty() && (it->second.messages != s.messages || it->second.first_sequence != s.first_sequence ||
                                         it->second.last_sequence != s.last_sequence)) {
            r.index_problems.push_back("subject '" + subject + "' is indexed as " + std::to_string(it->second.messages) +
                                       " messages " + std::to_string(it->second.first_sequence) + ".." +
                                       std::to_string(it->second.last_sequence) + ", the data has " +
                                       std::to_string(s.messages) + " " + std::to_string(s.first_sequence) + ".." +
                                       std::to_string(s.last_sequence));
        }
    }
    if (r.corrupt.empty()) {
        for (const auto& [subject, s] : indexed) {
            if (!subjects.count(subject)) r.index_problems.push_back("the index lists '" + subject + "', no message has it");
        }
    }

    if (repair) {
        for (const std::uint64_t seq : r.corrupt) r.repaired += stream->remove(seq) ? 1 : 0;
        bool synced = false;
        stream->sync([&](nmk_store_status, std::string_view) { synced = true; });
        (void)synced;
    }
    return r;
}

void check_backend(const std::string& backend, nats_sdk::store::StoreBackend& impl, const fs::path& root, bool repair,
                   std::vector<StreamReport>& out) {
    auto store = impl.open_store(root.string(), R"({"sync": "always"})");
    std::vector<std::pair<std::string, std::string>> streams;
    store->list_streams([&](std::string_view account, std::string_view stream, std::string_view) {
        streams.emplace_back(account, stream);
    });
    for (const auto& [account, stream] : streams) out.push_back(check_stream(backend, *store, account, stream, repair));
}

}  // namespace

std::vector<StreamReport> check_store(const fs::path& store_dir, const CheckOptions& options) {
    const fs::path root = jetstream_root(store_dir);
    if (!fs::is_directory(root)) throw std::runtime_error("no store at " + root.string());
    std::vector<StreamReport> out;
    bool any = false;
    if (options.backend == "file" || (options.backend == "auto" && has_file_store(root))) {
        ::store_file::FileStoreBackend file;
        check_backend("file", file, root, options.repair, out);
        any = true;
    }
    if (options.backend == "rocksdb" || (options.backend == "auto" && fs::exists(root / "rocksdb"))) {
        store_rocksdb::RocksBackend rocks;
        check_backend("rocksdb", rocks, root, options.repair, out);
        any = true;
    }
    if (!any) throw std::runtime_error("no file or rocksdb store found in " + root.string());
    return out;
}

std::string describe(const StreamReport& r) {
    std::string out = r.account + " > " + r.stream + " (" + r.backend + "): " + std::to_string(r.messages) +
                      " messages readable, sequences " + std::to_string(r.first) + ".." + std::to_string(r.last);
    if (r.corrupt.empty()) {
        out += ", no corrupt record";
    } else {
        out += ", " + std::to_string(r.corrupt.size()) + " corrupt (";
        for (std::size_t i = 0; i < r.corrupt.size() && i < 10; ++i) out += (i ? " " : "") + std::to_string(r.corrupt[i]);
        out += r.corrupt.size() > 10 ? " ...)" : ")";
        if (r.repaired) out += ", " + std::to_string(r.repaired) + " removed";
    }
    for (const auto& p : r.index_problems) out += "; " + p;
    out += r.clean() ? ": OK" : ": PROBLEMS";
    return out;
}

}  // namespace nats::store_check
