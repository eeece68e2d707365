#include "jetstream_core.hpp"

#include <fnmatch.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>

#include <nats_sdk/go_json.hpp>
#include <nlohmann/json.hpp>

#include "api/api_router.hpp"
#include "consumer/consumer_bridge.hpp"
#include "stream/stream_check.hpp"

namespace nmk::jetstream {

namespace {

// nats-server's defaults when max_memory_store / max_file_store are not set: three
// quarters of the machine's memory, three quarters of the store's free disk.
std::int64_t default_max_memory() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return -1;
    return static_cast<std::int64_t>(pages) * page / 4 * 3;
}

std::int64_t default_max_store(const std::string& dir) {
    constexpr std::int64_t one_tib = std::int64_t{1} << 40;  // JetStreamMaxStoreDefault
    struct statvfs fs {};
    if (dir.empty() || statvfs(dir.c_str(), &fs) != 0) return one_tib;
    return static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize) / 4 * 3;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The metadata a store keeps for a stream: its config and creation time.
std::string meta_json(const Stream& stream) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object().key("config");
    write_stream_config(w, stream.config());
    w.field("created_ns", stream.created_ns()).end_object();
    return w.take();
}

StorageGate gate_for(const JetStreamCore& core, const JsAccount& account) {
    struct Ctx {
        const JetStreamCore* core;
        const JsAccount* account;
    };
    // The gate is used synchronously inside Stream::publish, so a static per-thread slot
    // holding the pair is enough (the worker is one thread).
    thread_local Ctx ctx;
    ctx = {&core, &account};
    return StorageGate{[](void* user, Storage storage, std::uint64_t bytes) {
                           auto* c = static_cast<Ctx*>(user);
                           return c->core->check_storage(*c->account, storage, bytes);
                       },
                       &ctx};
}

}  // namespace

const std::string& ServerSettings::file_backend_for(std::string_view account, std::string_view stream) const {
    const std::string acc(account), name(stream);
    for (const auto& rule : file_backend_rules) {
        if (fnmatch(rule.account.c_str(), acc.c_str(), 0) == 0 && fnmatch(rule.stream.c_str(), name.c_str(), 0) == 0)
            return rule.backend;
    }
    return file_backend;
}

std::vector<std::string> ServerSettings::file_backend_names() const {
    std::vector<std::string> names{file_backend};
    for (const auto& rule : file_backend_rules) {
        if (std::find(names.begin(), names.end(), rule.backend) == names.end()) names.push_back(rule.backend);
    }
    return names;
}

// A store the settings no longer name (file_backend changed, a rule removed) keeps its
// streams on disk, but nothing serves them: say so at start-up rather than show fewer
// streams without a word. The in-tree backends' footprints in store_dir are known.
void JetStreamCore::warn_of_unserved_stores() {
    namespace fs = std::filesystem;
    const fs::path root(settings_.store_dir);
    std::error_code error;
    if (!file_stores_.count("rocksdb") && fs::exists(root / "rocksdb" / "CURRENT", error))
        bus_.log(3, "JetStream: " + (root / "rocksdb").string() +
                        " holds a RocksDB store that no setting names: its streams are not served (name rocksdb in "
                        "jetstream.file_backend or file_backends to serve them)");
    if (file_stores_.count("file")) return;
    for (const auto& account : fs::directory_iterator(root, error)) {
        if (account.path().filename() != "rocksdb" && fs::is_directory(account.path() / "streams", error) &&
            !fs::is_empty(account.path() / "streams", error)) {
            bus_.log(3, "JetStream: " + account.path().string() +
                            " holds file-store streams that no setting names: they are not served (name file in "
                            "jetstream.file_backend or file_backends to serve them)");
        }
    }
}

JetStreamCore::JetStreamCore(ServerSettings settings, Bus& bus, std::shared_ptr<nats_sdk::store::StoreBackend> memory,
                             Backends file_backends)
    : settings_(std::move(settings)),
      bus_(bus),
      memory_backend_(std::move(memory)),
      file_backends_(std::move(file_backends)) {}

JetStreamCore::~JetStreamCore() { close(); }

void JetStreamCore::open() {
    const std::string options = nlohmann::json{{"sync", settings_.sync}}.dump();
    if (memory_backend_) memory_store_ = memory_backend_->open_store({}, options);
    if (!file_backends_.empty()) {
        std::filesystem::create_directories(settings_.store_dir);
        std::error_code ignored;  // restores a stop cut short left their staged chunks (as nats-server clears them)
        std::filesystem::remove_all(std::filesystem::path(settings_.store_dir) / ".snap-staging", ignored);
    }
    for (const auto& entry : file_backends_) {
        // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda.
        const std::string& name = entry.first;
        if (!entry.second) continue;
        auto& store = file_stores_[name] = entry.second->open_store(settings_.store_dir, options);
        store->list_streams([&](std::string_view account, std::string_view stream, std::string_view meta) {
            found_on_disk_.push_back({std::string(account), std::string(stream), std::string(meta), name});
        });
    }
    warn_of_unserved_stores();
    // The same stream in two backends (its files copied by hand, or a store restored
    // beside another): the one the rules choose now is served, the other is left alone.
    for (auto it = found_on_disk_.begin(); it != found_on_disk_.end();) {
        const auto twin = std::find_if(found_on_disk_.begin(), found_on_disk_.end(), [&](const FoundStream& f) {
            return &f != &*it && f.account == it->account && f.stream == it->stream;
        });
        if (twin != found_on_disk_.end() && it->backend != settings_.file_backend_for(it->account, it->stream)) {
            bus_.log(4, "JetStream: stream '" + it->account + " > " + it->stream + "' is in both the " + it->backend +
                            " and the " + twin->backend + " store; serving the " + twin->backend +
                            " one, the other stays on disk untouched");
            it = found_on_disk_.erase(it);
        } else {
            ++it;
        }
    }
    max_memory_ = settings_.max_memory >= 0 ? settings_.max_memory : default_max_memory();
    max_store_ = settings_.max_store >= 0 ? settings_.max_store : default_max_store(settings_.store_dir);
    opened_ = true;
}

void JetStreamCore::close() {
    for (auto& [id, session] : sessions_) session->close(*this);
    sessions_.clear();
    // What the consumers did since their last write goes to the store before it closes.
    for (auto& [name, account] : accounts_) {
        for (auto& [stream_name, stream] : account->streams()) {
            for (auto& [consumer_name, consumer] : stream->consumers()) {
                if (consumer->take_dirty()) persist(*stream, *consumer, false);
            }
        }
    }
    flush();
    for (auto& [name, account] : accounts_) account->streams().clear();
    accounts_.clear();
    memory_store_.reset();
    file_stores_.clear();
}

void JetStreamCore::enable_account(const std::string& name, const AccountLimits& limits) {
    if (auto it = accounts_.find(name); it != accounts_.end()) {
        it->second->set_limits(limits);
        return;
    }
    auto& account = *accounts_.emplace(name, std::make_unique<JsAccount>(name, limits)).first->second;
    recover_account(account);
}

void JetStreamCore::disable_account(const std::string& name) {
    auto it = accounts_.find(name);
    if (it == accounts_.end()) return;
    flush();
    for (auto& [stream_name, stream] : it->second->streams()) {
        bus_.stop_listening(name, stream_name);
        stop_sourcing(*stream);
        for (const auto& [consumer, c] : stream->consumers()) bus_.detach_consumer(name, stream_name, consumer);
        // The data stays on disk; it comes back when the account is enabled again.
        found_on_disk_.push_back({name, stream_name, meta_json(*stream), stream->backend()});
    }
    accounts_.erase(it);
}

JsAccount* JetStreamCore::account(const std::string& name) {
    auto it = accounts_.find(name);
    return it == accounts_.end() ? nullptr : it->second.get();
}

void JetStreamCore::recover_account(JsAccount& account) {
    for (auto it = found_on_disk_.begin(); it != found_on_disk_.end();) {
        const auto& [acc, stream_name, meta, backend] = *it;
        if (acc != account.name()) {
            ++it;
            continue;
        }
        try {
            const auto doc = nlohmann::ordered_json::parse(meta);
            StreamConfig config = stream_config_from_json(doc.at("config"));
            const std::int64_t created = doc.value("created_ns", std::int64_t{0});
            auto store = file_stores_.at(backend)->open_stream(acc, stream_name);
            auto stream = std::make_unique<Stream>(acc, std::move(config), created, std::move(store), settings_.domain);
            stream->set_backend(backend);
            Stream& s = *stream;
            s.defer_dedup_rebuild();
            account.streams()[stream_name] = std::move(stream);
            bus_.listen(acc, stream_name, s.config().subjects);
            recover_consumers(account, s);
            start_sourcing(account, s);
            const auto state = s.store().state();
            bus_.log(2, "  Restored " + std::to_string(state.messages) + " messages for stream '" + acc + " > " +
                            stream_name + "'");
        } catch (const std::exception& e) {
            bus_.log(4, "  Error recreating stream '" + acc + " > " + stream_name + "': " + e.what());
        }
        it = found_on_disk_.erase(it);
    }
}

nats_sdk::store::Store& JetStreamCore::store_for(const std::string& account, const StreamConfig& config,
                                                 std::string& backend) {
    if (config.storage == Storage::memory) {
        if (!memory_store_) throw nats_sdk::store::StoreError(NMK_STORE_IO_ERROR, "no memory store backend is loaded");
        backend = "memory";
        return *memory_store_;
    }
    backend = settings_.file_backend_for(account, config.name);
    const auto it = file_stores_.find(backend);
    if (it == file_stores_.end() || !it->second)
        throw nats_sdk::store::StoreError(NMK_STORE_IO_ERROR, "no " + backend + " store backend is loaded");
    return *it->second;
}

nats_sdk::store::Store& JetStreamCore::store_of(const Stream& stream) {
    if (stream.backend() == "memory") return *memory_store_;
    return *file_stores_.at(stream.backend());
}

void JetStreamCore::write_meta(Stream& stream) {
    if (stream.config().storage == Storage::memory) return;  // nothing of a memory stream survives a restart
    stream.store().write_meta(meta_json(stream));
}

Stream& JetStreamCore::add_stream(JsAccount& account, const StreamConfig& config, std::int64_t created_ns) {
    std::string backend;
    auto& store = store_for(account.name(), config, backend);
    auto handle = store.open_stream(account.name(), config.name);
    auto stream = std::make_unique<Stream>(account.name(), config, created_ns, std::move(handle), settings_.domain);
    stream->set_backend(backend);
    try {
        write_meta(*stream);
    } catch (...) {
        stream.reset();
        store.delete_stream(account.name(), config.name);
        throw;
    }
    Stream& s = *stream;
    account.streams()[config.name] = std::move(stream);
    bus_.listen(account.name(), config.name, config.subjects);
    start_sourcing(account, s);
    return s;
}

void JetStreamCore::update_stream(JsAccount& account, Stream& stream, StreamConfig config) {
    const bool subjects_changed = config.subjects != stream.config().subjects;
    stream.update(std::move(config));
    write_meta(stream);
    if (subjects_changed) {
        bus_.stop_listening(account.name(), stream.name());
        bus_.listen(account.name(), stream.name(), stream.config().subjects);
    }
    update_sourcing(account, stream);
}

void JetStreamCore::delete_stream(JsAccount& account, const std::string& name) {
    auto it = account.streams().find(name);
    if (it == account.streams().end()) return;
    flush();
    std::vector<std::string> consumers;
    for (const auto& [consumer, c] : it->second->consumers()) consumers.push_back(consumer);
    for (const auto& consumer : consumers) delete_consumer(account, *it->second, consumer, true);
    bus_.stop_listening(account.name(), name);
    stop_sourcing(*it->second);
    auto& store = store_of(*it->second);
    account.streams().erase(it);
    store.delete_stream(account.name(), name);
}

std::uint64_t JetStreamCore::add_session(std::unique_ptr<ApiSession> session) {
    const std::uint64_t id = ++next_session_id_;
    sessions_.emplace(id, std::move(session));
    return id;
}

ApiSession* JetStreamCore::session(std::uint64_t id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
}

void JetStreamCore::end_session(std::uint64_t id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    auto session = std::move(it->second);
    sessions_.erase(it);
    session->close(*this);
}

std::uint64_t JetStreamCore::total_memory_bytes() const {
    std::uint64_t total = 0;
    for (const auto& [name, account] : accounts_) total += account->memory_bytes();
    return total;
}

std::uint64_t JetStreamCore::total_store_bytes() const {
    std::uint64_t total = 0;
    for (const auto& [name, account] : accounts_) total += account->store_bytes();
    return total;
}

std::optional<ApiError> JetStreamCore::check_storage(const JsAccount& account, Storage storage, std::uint64_t bytes) const {
    const bool memory = storage == Storage::memory;
    // js.limitsExceeded: the server's reservation for this storage kind.
    const std::int64_t server_max = memory ? max_memory_ : max_store_;
    const std::uint64_t server_used = memory ? total_memory_bytes() : total_store_bytes();
    if (server_max >= 0 && server_used + bytes > static_cast<std::uint64_t>(server_max))
        return ApiError::of(ErrorId::JSInsufficientResources);
    // jsa.limitsExceeded: the account's own limit.
    const std::int64_t account_max = memory ? account.limits().max_memory : account.limits().max_store;
    const std::uint64_t account_used = memory ? account.memory_bytes() : account.store_bytes();
    if (account_max >= 0 && account_used + bytes > static_cast<std::uint64_t>(account_max))
        return ApiError::of(ErrorId::JSAccountResourcesExceeded);
    return std::nullopt;
}

void JetStreamCore::handle_publish(const std::string& account_name, const std::string& stream_name, std::string_view subject,
                                   std::string_view reply, std::string_view headers, std::string_view payload) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    if (stream == nullptr) return;  // deleted while the message was queued
    PublishOutcome outcome = stream->publish(subject, reply, headers, payload, now_ns(), gate_for(*this, *account));
    if (outcome.needs_sync) {
        auto& pending = unsynced_for(*stream);
        if (!outcome.republish_subject.empty())
            pending.push_back({std::move(outcome.republish_subject), std::move(outcome.republish_payload),
                               std::move(outcome.republish_headers)});
        if (!outcome.ack.empty()) pending.push_back({std::string(reply), std::move(outcome.ack), {}});
    } else if (!outcome.ack.empty()) {
        bus_.publish(account_name, reply, {}, outcome.ack);
    }
}

std::vector<DurableOutput>& JetStreamCore::unsynced_for(Stream& stream) {
    auto it = std::find_if(unsynced_.begin(), unsynced_.end(), [&](const auto& e) { return e.first == &stream; });
    if (it == unsynced_.end()) {
        std::vector<DurableOutput> list;
        if (!spare_outputs_.empty()) {
            list = std::move(spare_outputs_.back());
            spare_outputs_.pop_back();
        }
        it = unsynced_.insert(unsynced_.end(), {&stream, std::move(list)});
    }
    auto& pending = it->second;
    // A burst of publishes (a read's worth, up to 256) grows a new list from 8 straight to
    // 256 entries rather than doubling through 16..128 (each a large heap request, see
    // spare_outputs_). A lone synchronous publish stays in the small first allocation.
    if (pending.size() >= 8 && pending.capacity() < 256) pending.reserve(256);
    return pending;
}

PublishOutcome JetStreamCore::store_from_origin(JsAccount& account, Stream& stream, std::string_view subject,
                                                std::string_view headers, std::string_view payload,
                                                const OriginPosition* at) {
    PublishOutcome outcome = stream.publish(subject, {}, headers, payload, now_ns(), gate_for(*this, account), at);
    if (outcome.needs_sync) {
        auto& pending = unsynced_for(stream);  // synced with the next flush, which releases consumers
        if (!outcome.republish_subject.empty())
            pending.push_back({std::move(outcome.republish_subject), std::move(outcome.republish_payload),
                               std::move(outcome.republish_headers)});
    }
    return outcome;
}

namespace {

// One stream's share of a flush(), kept until the store's sync completes (possibly on the
// store's syncer thread, after the Stream is gone: it holds copies, not the Stream).
struct SyncRound {
    Bus* bus = nullptr;
    std::string account;
    std::string stream;
    std::string domain;
    std::vector<DurableOutput> out;
    std::shared_ptr<std::atomic<std::uint64_t>> durable;
    std::uint64_t target = 0;
    bool has_consumers = false;
    // Set once sync() returned: a completion after that came from the syncer thread and
    // must ask for a delivery turn itself.
    std::atomic<bool> returned{false};
    // Set when complete() is done with `out`: flush() may then keep the list's capacity.
    std::atomic<bool> done{false};

    void complete(nmk_store_status status, std::string_view error) {
        if (status == NMK_STORE_OK) {
            std::uint64_t seen = durable->load();
            while (seen < target && !durable->compare_exchange_weak(seen, target)) {
            }
            bus->publish_all(account, out);
            out.clear();
            done.store(true, std::memory_order_release);
            if (has_consumers && returned.load()) bus->kick(account, stream);
            return;
        }
        // Never acknowledge what may not be on disk: answer with the store's error (a full
        // disk as insufficient resources, as when the append itself found no space).
        const std::string text = Stream::pub_ack_error(
            status == NMK_STORE_NO_SPACE
                ? ApiError::of(ErrorId::JSInsufficientResources)
                : ApiError::with(ErrorId::JSStreamStoreFailed, error.empty() ? std::string_view("store sync failed") : error),
            stream, domain);
        std::vector<DurableOutput> failures;
        for (auto& o : out) {
            if (o.headers.empty()) failures.push_back({std::move(o.subject), text, {}});  // acks only; no republish
        }
        bus->publish_all(account, failures);
        bus->log(4, "JetStream store sync failed for account '" + account + "': " + std::string(error));
    }
};

}  // namespace

void JetStreamCore::flush() {
    if (unsynced_.empty()) return;
    auto batches = std::move(unsynced_);
    unsynced_.clear();
    for (auto& [stream, out] : batches) {
        // The acks go out only once the store says everything appended so far is
        // durable: group commit, one sync per stream per batch. Consumers see the
        // messages from then on too (durable_marker).
        auto round = std::make_shared<SyncRound>();
        round->bus = &bus_;
        round->account = stream->account();
        round->stream = stream->name();
        round->domain = settings_.domain;
        round->out = std::move(out);
        round->durable = stream->durable_marker();
        round->target = stream->store().state().last_sequence;
        round->has_consumers = !stream->consumers().empty();
        stream->store().sync([round](nmk_store_status status, std::string_view error) { round->complete(status, error); });
        round->returned.store(true);
        // Completed at once (a memory stream, or nothing to sync): the list comes back.
        if (round->done.load(std::memory_order_acquire) && spare_outputs_.size() < 4)
            spare_outputs_.push_back(std::move(round->out));
        if (round->has_consumers && round->durable->load() >= round->target) {
            if (JsAccount* a = this->account(round->account)) deliver_consumers(*a, *stream, now_ns());
        }
    }
}

std::int64_t JetStreamCore::expire_all(std::int64_t now) {
    std::int64_t next = 0;
    for (auto& [name, account] : accounts_) {
        for (auto& [stream_name, stream] : account->streams()) {
            std::int64_t at = stream->expire(now);
            // An empty stream with max_age: a message stored from now on is due no sooner
            // than max_age from now, so looking again then finds it before it is due (at
            // least 100 ms apart, so a tiny max_age does not make the worker spin).
            if (at == 0 && stream->config().max_age_ns > 0 && stream->store().state().messages == 0)
                at = now + std::max<std::int64_t>(stream->config().max_age_ns, 100'000'000);
            if (at != 0 && (next == 0 || at < next)) next = at;
        }
    }
    return next == 0 ? 0 : std::max<std::int64_t>(next - now, 1'000'000);
}

void JetStreamCore::handle_api(const std::string& account, std::string_view subject, std::string_view reply,
                               std::string_view headers, std::string_view payload, std::uint64_t client_id) {
    ApiRouter::dispatch(*this, account, subject, reply, headers, payload, client_id);
}

}  // namespace nmk::jetstream
