// A minimal third-party stream store: the backend "example" of kind jetstream.store 1.1,
// every stream an ordered map in memory, its consumer records another. The smallest honest starting point for a backend:
// replace the map with your storage and keep passing the SDK's StreamStoreContract.
//
//   plugins { load: ["store_example"] }
//   jetstream { store_dir: "/data" }   # and a stream with the store backend "example"
//
// Simple over fast: state and subject counts are found by scanning. The rules it follows
// (nats-server 2.9's memstore) are spelled out in nats_sdk/kinds/stream_store.h.

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nats_sdk/kinds/stream_store_provider.hpp>
#include <nats_sdk/plugin.hpp>

namespace store_example {

using namespace nats_sdk::store;

bool matches(std::string_view subject, std::string_view filter) {
    return filter.empty() || nats_sdk::subject::literal_matches(subject, filter);
}

struct StreamData {
    std::map<std::uint64_t, StoredMessage> messages;
    std::uint64_t last = 0;
    std::int64_t last_time = 0;
    bool fresh = true;  // never held a message nor was purged: reports first 0
    std::string meta;   // guarded by the store's mutex
    std::map<std::string, std::pair<std::string, std::string>, std::less<>> consumers;  // name -> meta, state
};

class MapStream final : public Stream {
public:
    MapStream(std::shared_ptr<StreamData> data, std::mutex& meta_mutex) : d_(std::move(data)), meta_mutex_(meta_mutex) {}

    void write_meta(std::string_view meta) override {
        const std::lock_guard lock(meta_mutex_);
        d_->meta = meta;
    }
    void append(std::uint64_t seq, std::int64_t time, std::string_view subject, std::string_view headers,
                std::string_view payload) override {
        if (seq <= d_->last || subject.empty()) {
            throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append: sequence not above the last, or no subject");
        }
        d_->messages[seq] = {seq, time, std::string(subject), std::string(headers), std::string(payload)};
        d_->last = seq;
        d_->last_time = time;
        d_->fresh = false;
    }
    void sync(SyncDone done) override { done(NMK_STORE_OK, {}); }

    LoadResult load(std::uint64_t seq, const std::function<void(const MessageView&)>& found) override {
        const auto it = d_->messages.find(seq);
        return it == d_->messages.end() ? LoadResult::not_found : give(it->second, found);
    }
    LoadResult load_next(std::uint64_t start, std::string_view filter,
                         const std::function<void(const MessageView&)>& found) override {
        for (auto it = d_->messages.lower_bound(start); it != d_->messages.end(); ++it) {
            if (matches(it->second.subject, filter)) return give(it->second, found);
        }
        return LoadResult::not_found;
    }
    LoadResult load_last(std::string_view filter, const std::function<void(const MessageView&)>& found) override {
        for (auto it = d_->messages.rbegin(); it != d_->messages.rend(); ++it) {
            if (matches(it->second.subject, filter)) return give(it->second, found);
        }
        return LoadResult::not_found;
    }

    bool remove(std::uint64_t seq) override { return d_->messages.erase(seq) == 1; }
    std::uint64_t purge(std::string_view filter, std::uint64_t below, std::uint64_t keep) override {
        if (below > 1 && keep > 0) throw StoreError(NMK_STORE_INVALID_ARGUMENT, "purge: both a bound and keep");
        if (filter.empty() || filter == ">") {
            if (below > 1) return compact(below);
            if (keep == 0) return compact(0);
            return keep >= d_->messages.size() ? 0 : compact(d_->last - keep + 1);
        }
        std::uint64_t matching = 0;
        for (const auto& [seq, m] : d_->messages) matching += matches(m.subject, filter) ? 1 : 0;
        if (keep >= matching && keep > 0) return 0;
        std::uint64_t purged = 0;
        for (auto it = d_->messages.begin(); it != d_->messages.end() && purged + keep < matching;) {
            if (below > 1 && it->first >= below) break;
            if (matches(it->second.subject, filter)) {
                it = d_->messages.erase(it);
                ++purged;
            } else {
                ++it;
            }
        }
        return purged;
    }
    std::uint64_t compact(std::uint64_t seq) override {
        d_->fresh = false;
        const auto end = seq == 0 || seq > d_->last ? d_->messages.end() : d_->messages.lower_bound(seq);
        const auto purged = static_cast<std::uint64_t>(std::distance(d_->messages.begin(), end));
        d_->messages.erase(d_->messages.begin(), end);
        if (seq > d_->last) d_->last = seq - 1;  // past the end: the stream starts at seq
        return purged;
    }
    void truncate(std::uint64_t seq) override {
        if (seq > d_->last) throw StoreError(NMK_STORE_INVALID_ARGUMENT, "truncate: above the last sequence");
        d_->messages.erase(d_->messages.upper_bound(seq), d_->messages.end());
        d_->last = seq;
        if (!d_->messages.empty()) d_->last_time = d_->messages.rbegin()->second.time_ns;
    }

    StreamState state() const override {
        StreamState s{};
        s.messages = d_->messages.size();
        s.last_sequence = d_->last;
        s.last_time_ns = d_->last_time;
        s.first_sequence = d_->fresh ? 0 : d_->last + 1;
        std::map<std::string_view, int> subjects;
        for (const auto& [seq, m] : d_->messages) {
            s.bytes += m.subject.size() + m.headers.size() + m.payload.size() + 16;
            subjects[m.subject] = 1;
        }
        if (!d_->messages.empty()) {
            s.first_sequence = d_->messages.begin()->first;
            s.first_time_ns = d_->messages.begin()->second.time_ns;
            s.deleted = s.last_sequence - s.first_sequence + 1 - s.messages;
        }
        s.subjects = subjects.size();
        return s;
    }
    std::optional<SubjectState> subject_state(std::string_view subject) const override {
        std::optional<SubjectState> out;
        subjects_state(subject, [&](std::string_view s, const SubjectState& st) {
            if (s == subject) out = st;
        });
        return out;
    }
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const SubjectState&)>& found) const override {
        std::map<std::string_view, SubjectState> out;
        for (const auto& [seq, m] : d_->messages) {
            if (!matches(m.subject, filter)) continue;
            auto& s = out[m.subject];
            if (s.messages++ == 0) s.first_sequence = seq;
            s.last_sequence = seq;
        }
        for (const auto& [subject, s] : out) found(subject, s);
    }
    std::uint64_t sequence_for_time(std::int64_t time) const override {
        for (const auto& [seq, m] : d_->messages) {
            if (m.time_ns >= time) return seq;
        }
        return d_->last + 1;
    }

    // Consumer records (1.1). The SDK refused bad names already; a put needs no sync here.
    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override {
        d_->consumers[std::string(name)] = {std::string(meta), std::string(state)};
    }
    bool consumer_put_state(std::string_view name, std::string_view state) override {
        const auto it = d_->consumers.find(name);
        if (it == d_->consumers.end()) return false;
        it->second.second = state;
        return true;
    }
    void consumer_list(const std::function<void(const ConsumerRecordView&)>& found) override {
        for (const auto& [name, record] : d_->consumers) found({name, record.first, record.second});
    }
    bool consumer_delete(std::string_view name) override {
        const auto it = d_->consumers.find(name);
        if (it == d_->consumers.end()) return false;
        d_->consumers.erase(it);
        return true;
    }

private:
    static LoadResult give(const StoredMessage& m, const std::function<void(const MessageView&)>& found) {
        found(MessageView{m.sequence, m.time_ns, m.subject, m.headers, m.payload});
        return LoadResult::found;
    }

    std::shared_ptr<StreamData> d_;
    std::mutex& meta_mutex_;
};

class MapStore final : public Store {
public:
    void list_streams(const std::function<void(std::string_view, std::string_view, std::string_view)>& found) override {
        std::map<std::pair<std::string, std::string>, std::string> copy;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& [key, data] : streams_) copy[key] = data->meta;
        }
        for (const auto& [key, meta] : copy) found(key.first, key.second, meta);
    }
    std::unique_ptr<Stream> open_stream(std::string_view account, std::string_view stream) override {
        const std::lock_guard lock(mutex_);
        auto& data = streams_[{std::string(account), std::string(stream)}];
        if (!data) data = std::make_shared<StreamData>();
        return std::make_unique<MapStream>(data, mutex_);
    }
    void delete_stream(std::string_view account, std::string_view stream) override {
        const std::lock_guard lock(mutex_);
        streams_.erase({std::string(account), std::string(stream)});
    }

private:
    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<StreamData>> streams_;
};

class Backend final : public StoreBackend {
public:
    std::unique_ptr<Store> open_store(std::string_view, std::string_view options_json) override {
        if (!nlohmann::json::parse(options_json, nullptr, false).is_object()) {
            throw StoreError(NMK_STORE_INVALID_ARGUMENT, "open_store: options must be a JSON object");
        }
        return std::make_unique<MapStore>();
    }
    // Its streams keep consumer records: registered as jetstream.store 1.1 (without this,
    // 1.0, and JetStream keeps no consumers here).
    bool supports_consumer_records() const noexcept override { return true; }
};

class Plugin final : public nats_sdk::Plugin {
public:
    // No settings: any key is a mistake worth refusing.
    Plugin(nats_sdk::Host& host, const nlohmann::json& config) : nats_sdk::Plugin(host) {
        nats_sdk::config::reject_unknown_keys(config, {});
    }
    // JetStream declared the kind when it was created; the registration lives until destroy.
    void start() override { registration_ = register_stream_store_backend(host(), "example", std::make_shared<Backend>()); }

private:
    StoreBackendRegistration registration_;
};

}  // namespace store_example

NATS_SDK_PLUGIN(store_example::Plugin, "store_example", "1.0.0", "Streams in ordered maps (SDK example)",
                "jetstream.store", "")
