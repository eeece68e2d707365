#include "plugins/store_memory/memory_store.hpp"

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

namespace nats::store_memory {

using nats_sdk::store::StoreError;

namespace {

// A handle on one stream: forwards to its log; closing it marks the stream closed.
class MemoryStream final : public nats_sdk::store::Stream {
public:
    MemoryStream(std::shared_ptr<StreamData> data, std::shared_ptr<std::mutex> store_mutex)
        : data_(std::move(data)), store_mutex_(std::move(store_mutex)) {}
    ~MemoryStream() override {
        const std::lock_guard lock(*store_mutex_);
        data_->open = false;
    }

    void write_meta(std::string_view meta) override {
        std::string copy(meta);
        const std::lock_guard lock(data_->meta_mutex);
        data_->meta.swap(copy);
    }
    void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                std::string_view payload) override {
        data_->log.append(sequence, time_ns, subject, headers, payload);
    }
    // Memory is as durable as it gets: done at once, on the calling thread.
    void sync(SyncDone done) override { done(NMK_STORE_OK, {}); }

    nats_sdk::store::LoadResult load(std::uint64_t sequence, const MessageLog::Found& found) override {
        return data_->log.load(sequence, found);
    }
    nats_sdk::store::LoadResult load_next(std::uint64_t start, std::string_view filter,
                                          const MessageLog::Found& found) override {
        return data_->log.load_next(start, filter, found);
    }
    nats_sdk::store::LoadResult load_last(std::string_view filter, const MessageLog::Found& found) override {
        return data_->log.load_last(filter, found);
    }

    bool remove(std::uint64_t sequence) override { return data_->log.remove(sequence); }
    std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) override {
        return data_->log.purge(filter, below_sequence, keep);
    }
    std::uint64_t compact(std::uint64_t sequence) override { return data_->log.compact(sequence); }
    void truncate(std::uint64_t sequence) override { data_->log.truncate(sequence); }

    nats_sdk::store::StreamState state() const override { return data_->log.state(); }
    std::optional<nats_sdk::store::SubjectState> subject_state(std::string_view subject) const override {
        return data_->log.subject_state(subject);
    }
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const nats_sdk::store::SubjectState&)>& found)
        const override {
        data_->log.subjects_state(filter, found);
    }
    std::uint64_t sequence_for_time(std::int64_t time_ns) const override {
        return data_->log.sequence_for_time(time_ns);
    }

    // Consumer records: a map beside the log. The SDK checked the names; the strings are
    // built before the map changes, so an out-of-memory put leaves the old record whole.
    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override {
        ConsumerRecord record{std::string(meta), std::string(state)};
        const auto it = data_->consumers.find(name);
        if (it != data_->consumers.end()) {
            it->second = std::move(record);
        } else {
            data_->consumers.emplace(std::string(name), std::move(record));
        }
    }
    bool consumer_put_state(std::string_view name, std::string_view state) override {
        const auto it = data_->consumers.find(name);
        if (it == data_->consumers.end()) {
            return false;
        }
        std::string copy(state);
        it->second.state.swap(copy);
        return true;
    }
    void consumer_list(const std::function<void(const nats_sdk::store::ConsumerRecordView&)>& found) override {
        for (const auto& [name, record] : data_->consumers) {
            found({name, record.meta, record.state});
        }
    }
    bool consumer_delete(std::string_view name) override {
        const auto it = data_->consumers.find(name);
        if (it == data_->consumers.end()) {
            return false;
        }
        data_->consumers.erase(it);
        return true;
    }

private:
    std::shared_ptr<StreamData> data_;
    std::shared_ptr<std::mutex> store_mutex_;
};

std::string stream_name(std::string_view account, std::string_view stream) {
    return "stream '" + std::string(stream) + "' of account '" + std::string(account) + "'";
}

}  // namespace

void MemoryStore::list_streams(
    const std::function<void(std::string_view, std::string_view, std::string_view)>& found) {
    // Copy first: `found` is the caller's code, never run under our lock.
    std::vector<std::pair<Key, std::shared_ptr<StreamData>>> streams;
    {
        const std::lock_guard lock(*mutex_);
        streams.assign(streams_.begin(), streams_.end());
    }
    for (const auto& [key, data] : streams) {
        std::string meta;
        {
            const std::lock_guard lock(data->meta_mutex);
            meta = data->meta;
        }
        found(key.first, key.second, meta);
    }
}

std::unique_ptr<nats_sdk::store::Stream> MemoryStore::open_stream(std::string_view account, std::string_view stream) {
    const std::lock_guard lock(*mutex_);
    auto it = streams_.find(Key{account, stream});
    if (it == streams_.end()) {
        it = streams_.emplace(Key{account, stream}, std::make_shared<StreamData>()).first;
    } else if (it->second->open) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "open_stream: " + stream_name(account, stream) + " is open already");
    }
    auto handle = std::make_unique<MemoryStream>(it->second, mutex_);
    it->second->open = true;
    return handle;
}

void MemoryStore::delete_stream(std::string_view account, std::string_view stream) {
    std::shared_ptr<StreamData> doomed;  // freed after the lock is released
    const std::lock_guard lock(*mutex_);
    const auto it = streams_.find(Key{account, stream});
    if (it == streams_.end()) {
        return;
    }
    if (it->second->open) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "delete_stream: " + stream_name(account, stream) + " is open");
    }
    doomed = std::move(it->second);
    streams_.erase(it);
}

std::unique_ptr<nats_sdk::store::Store> MemoryBackend::open_store(std::string_view, std::string_view options_json) {
    const auto options = nlohmann::json::parse(options_json.empty() ? std::string_view("{}") : options_json, nullptr,
                                                /*allow_exceptions=*/false);
    if (!options.is_object()) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "open_store: the options are not a JSON object");
    }
    return std::make_unique<MemoryStore>();
}

}  // namespace nats::store_memory
