#pragma once
// A persistent backend made of the contract's own ReferenceStream, so the suite's
// persistent tests (reopen, corruption, random operations across a restart) are checked
// here before a real file store relies on them. Not a store anyone should use: each stream
// is one text file rewritten whole on sync, write_meta and close.
//
// File <root>/<hex account>.<hex stream>.stream, lines:
//   meta <hex>
//   state <last sequence> <last time> <fresh 0|1>
//   msg <sequence> <time> <hex subject> <hex headers> <hex payload> <checksum>
//   consumer <hex name> <hex meta> <hex state>       (consumer records, jetstream.store 1.1)
// A msg line whose checksum does not match is counted corrupt and never served.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "nats_sdk/kinds/stream_store.hpp"
#include "nats_sdk/testing/stream_store_reference.hpp"
#include "nats_sdk/testing/stream_store_under_test.hpp"

namespace persistent_reference {

namespace store = nats_sdk::store;
namespace fs = std::filesystem;

inline std::string hex(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out == "" ? "-" : out;
}
inline std::string unhex(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; text != "-" && i + 1 < text.size(); i += 2) {
        out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
    }
    return out;
}
inline std::uint64_t checksum(std::string_view text) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : text) {
        h = (h ^ c) * 1099511628211ULL;
    }
    return h;
}
inline fs::path file_of(const fs::path& root, std::string_view account, std::string_view stream) {
    return root / (hex(account) + "." + hex(stream) + ".stream");
}

class FileStream final : public store::Stream {
public:
    explicit FileStream(fs::path file) : file_(std::move(file)) { read(); }
    ~FileStream() override { write(); }

    void write_meta(std::string_view meta) override {
        meta_ = meta;
        write();
    }
    void append(std::uint64_t seq, std::int64_t time, std::string_view subject, std::string_view headers,
                std::string_view payload) override {
        if (seq <= model_.state().last_sequence || subject.empty()) {
            throw store::StoreError(NMK_STORE_INVALID_ARGUMENT, "append: bad sequence or subject");
        }
        model_.append(seq, time, subject, headers, payload);
    }
    void sync(SyncDone done) override {
        write();
        done(NMK_STORE_OK, {});
    }
    store::LoadResult load(std::uint64_t seq, const std::function<void(const store::MessageView&)>& found) override {
        if (corrupt_.count(seq) != 0) {
            return store::LoadResult::corrupt;
        }
        return give(model_.load(seq), found);
    }
    store::LoadResult load_next(std::uint64_t start, std::string_view filter,
                                const std::function<void(const store::MessageView&)>& found) override {
        return give(model_.load_next(start, filter), found);
    }
    store::LoadResult load_last(std::string_view filter,
                                const std::function<void(const store::MessageView&)>& found) override {
        return give(model_.load_last(filter), found);
    }
    bool remove(std::uint64_t seq) override { return model_.remove(seq); }
    std::uint64_t purge(std::string_view filter, std::uint64_t below, std::uint64_t keep) override {
        const auto purged = model_.purge(filter, below, keep);
        if (!purged) {
            throw store::StoreError(NMK_STORE_INVALID_ARGUMENT, "purge: a bound with keep");
        }
        return *purged;
    }
    std::uint64_t compact(std::uint64_t seq) override { return model_.compact(seq); }
    void truncate(std::uint64_t seq) override { model_.truncate(seq); }
    store::StreamState state() const override {
        auto s = model_.state();
        s.corrupt = corrupt_.size();
        return s;
    }
    std::optional<store::SubjectState> subject_state(std::string_view subject) const override {
        return model_.subject_state(subject);
    }
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const store::SubjectState&)>& found) const override {
        for (const auto& [subject, s] : model_.subjects_state(filter)) {
            found(subject, s);
        }
    }
    std::uint64_t sequence_for_time(std::int64_t time) const override { return model_.sequence_for_time(time); }

    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override {
        consumers_[std::string(name)] = {std::string(meta), std::string(state)};
    }
    bool consumer_put_state(std::string_view name, std::string_view state) override {
        const auto it = consumers_.find(std::string(name));
        if (it == consumers_.end()) {
            return false;
        }
        it->second.second = state;
        return true;
    }
    void consumer_list(const std::function<void(const store::ConsumerRecordView&)>& found) override {
        for (const auto& [name, record] : consumers_) {
            found({name, record.first, record.second});
        }
    }
    bool consumer_delete(std::string_view name) override { return consumers_.erase(std::string(name)) == 1; }

private:
    static store::LoadResult give(const store::StoredMessage* m,
                                  const std::function<void(const store::MessageView&)>& found) {
        if (m == nullptr) {
            return store::LoadResult::not_found;
        }
        found(store::MessageView{m->sequence, m->time_ns, m->subject, m->headers, m->payload});
        return store::LoadResult::found;
    }

    void read() {
        std::ifstream in(file_);
        std::string line;
        std::map<std::uint64_t, store::StoredMessage> messages;
        std::uint64_t last = 0;
        std::int64_t last_time = 0;
        int fresh = 1;
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string kind;
            fields >> kind;
            if (kind == "meta") {
                std::string m;
                fields >> m;
                meta_ = unhex(m);
            } else if (kind == "state") {
                fields >> last >> last_time >> fresh;
            } else if (kind == "msg") {
                store::StoredMessage m;
                std::string subject, headers, payload;
                std::uint64_t sum = 0;
                fields >> m.sequence >> m.time_ns >> subject >> headers >> payload >> sum;
                if (sum != checksum(line.substr(0, line.rfind(' ')))) {
                    corrupt_.insert(m.sequence);
                    continue;
                }
                m.subject = unhex(subject);
                m.headers = unhex(headers);
                m.payload = unhex(payload);
                messages.emplace(m.sequence, std::move(m));
            } else if (kind == "consumer") {
                std::string name, meta, state;
                fields >> name >> meta >> state;
                consumers_[unhex(name)] = {unhex(meta), unhex(state)};
            }
        }
        model_.restore(std::move(messages), last, last_time, fresh != 0);
    }
    void write() const {
        std::ofstream out(file_, std::ios::trunc);
        const auto s = model_.state();
        out << "meta " << hex(meta_) << "\n";
        out << "state " << s.last_sequence << " " << s.last_time_ns << " "
            << (s.messages == 0 && s.first_sequence == 0 ? 1 : 0) << "\n";
        for (const auto& [seq, m] : model_.messages()) {
            const std::string line = "msg " + std::to_string(seq) + " " + std::to_string(m.time_ns) + " " +
                                     hex(m.subject) + " " + hex(m.headers) + " " + hex(m.payload);
            out << line << " " << checksum(line) << "\n";
        }
        for (const auto& [name, record] : consumers_) {
            out << "consumer " << hex(name) << " " << hex(record.first) << " " << hex(record.second) << "\n";
        }
    }

    fs::path file_;
    std::string meta_;
    nats_sdk::testing::ReferenceStream model_{nats_sdk::testing::file_store_bytes};
    std::set<std::uint64_t> corrupt_;
    std::map<std::string, std::pair<std::string, std::string>> consumers_;  // name -> meta, state
};

class FileStore final : public store::Store {
public:
    explicit FileStore(fs::path root) : root_(std::move(root)) { fs::create_directories(root_); }
    void list_streams(const std::function<void(std::string_view, std::string_view, std::string_view)>& found) override {
        for (const auto& entry : fs::directory_iterator(root_)) {
            const std::string name = entry.path().filename().string();
            const auto dot = name.find('.');
            if (entry.path().extension() != ".stream" || dot == std::string::npos) {
                continue;
            }
            const std::string account = unhex(name.substr(0, dot));
            const std::string stream = unhex(name.substr(dot + 1, name.size() - dot - 1 - 7));
            std::ifstream in(entry.path());
            std::string kind, meta;
            in >> kind >> meta;
            found(account, stream, unhex(meta));
        }
    }
    std::unique_ptr<store::Stream> open_stream(std::string_view account, std::string_view stream) override {
        return std::make_unique<FileStream>(file_of(root_, account, stream));
    }
    void delete_stream(std::string_view account, std::string_view stream) override {
        fs::remove(file_of(root_, account, stream));
    }

private:
    fs::path root_;
};

class FileBackend final : public store::StoreBackend {
public:
    std::unique_ptr<store::Store> open_store(std::string_view root, std::string_view options) override {
        if (!nlohmann::json::parse(options, nullptr, false).is_object()) {
            throw store::StoreError(NMK_STORE_INVALID_ARGUMENT, "options are not a JSON object");
        }
        return std::make_unique<FileStore>(fs::path(root));
    }
    bool supports_consumer_records() const noexcept override { return true; }
};

// The contract's corrupt hook for this backend: one hex digit of the record's payload changed.
inline void corrupt(const fs::path& root, std::string_view account, std::string_view stream, std::uint64_t seq) {
    const fs::path file = file_of(root, account, stream);
    std::ifstream in(file);
    std::string line, text;
    const std::string prefix = "msg " + std::to_string(seq) + " ";
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0) {
            const auto payload_end = line.rfind(' ');
            line[payload_end - 1] = line[payload_end - 1] == '0' ? '1' : '0';
        }
        text += line + "\n";
    }
    in.close();
    std::ofstream(file, std::ios::trunc) << text;
}

}  // namespace persistent_reference
