// The `jetstream` plugin: serves `jetstream { ... }`, -js and -sd, declares the
// "jetstream.store" kind the store backends fill, and connects JetStreamCore to the bus.
//
// THREADS. JetStreamCore is guarded by one mutex (core_mutex_). A message published to a
// stream is handled inline on the I/O thread that read it, as nats-server handles it on
// the client's goroutine: the append is a write into the page cache; once the thread has
// handled the rest of that read, one sync covers them all (flush_after_read); the fsync
// runs on the store's syncer, and the acks leave from there together once the data is on
// disk (group commit), or at once for a memory stream. API requests, which may take long (creating a
// stream writes and syncs files), are copied into a bounded queue and handled in arrival
// order by a private worker thread. Whatever the core publishes while a thread holds it
// is sent after the mutex is released (CoreAccess), because a delivery can come back into
// JetStream on the same thread.

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include <nats_sdk/kinds/stream_store_client.hpp>
#include <nats_sdk/plugin.hpp>

#include "bus/api_queue.hpp"
#include "bus/outbox.hpp"
#include "declare/declared_assets.hpp"
#include "declare/reconcile.hpp"
#include "jetstream_core.hpp"
#include "jetstream_settings.hpp"
#include "monitoring/jsz.hpp"
#include "monitoring/page_answer.hpp"
#include "wake_timer.hpp"

namespace nmk::jetstream {

namespace {

constexpr nmk_plugin_flag jetstream_flags[] = {
    {"--jetstream,-js", NMK_FLAG_BOOL, "jetstream.enabled", "Enable JetStream functionality"},
    {"--store_dir,-sd", NMK_FLAG_STRING, "store_dir", "Set the storage directory"},
};

// API requests waiting for the worker, bounded so a flood cannot grow memory without limit.
constexpr std::size_t max_inbound_bytes = 256u << 20;

// Publishes handled on one I/O thread before their sync is asked for without waiting for
// the end of the read (see flush_after_read).
constexpr std::size_t flush_every_publishes = 256;


std::int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

class JetStreamPlugin final : public nats_sdk::Plugin, private Bus {
    // A consumer's subscriptions (acks, flow control) and its deliver subject's watch.
    struct ConsumerLinks {
        std::vector<nats_sdk::Subscription> subscriptions;
        std::optional<nats_sdk::Watch> watch;
    };

    // Subscriptions and watches to end once the core mutex is released: ending them
    // waits for their callbacks, which may be waiting for that mutex.
    struct Retired {
        std::vector<nats_sdk::Subscription> subscriptions;
        std::vector<std::optional<nats_sdk::Watch>> watches;
    };

    // Holds the core for the work on this thread; publishes made meanwhile go out once it
    // is released.
    class CoreAccess {
    public:
        // `io`: this thread is one of the server's I/O threads (a subscription callback or a
        // posted task). Only there may the core deliver to consumers: what it publishes is
        // routed before the next holder of the core can publish, which keeps each consumer's
        // messages in order. Elsewhere (the API worker) deliveries are left to a posted turn.
        explicit CoreAccess(JetStreamPlugin& plugin, bool io = false)
            : plugin_(plugin), lock_(plugin.core_mutex_), previous_(deferred_), previous_retired_(retired_), io_(io) {
            out_ = take_spare_list();  // a list with room from an earlier turn on this thread
            deferred_ = &out_;
            retired_ = &graveyard_;
            if (plugin_.core_) plugin_.core_->set_inline_delivery(io_);
        }
        ~CoreAccess() {
            deferred_ = previous_;
            retired_ = previous_retired_;
            if (plugin_.core_) plugin_.core_->set_inline_delivery(false);
            if (!io_) {
                // No delivery among them (see above): order across threads does not matter.
                lock_.unlock();
                graveyard_ = {};
                for (const auto& m : out_) plugin_.send_out(m);
                recycle_list(out_);
                return;
            }
            // Queued while the core is still held, so the outbox keeps the order in which the
            // core produced them; one I/O thread at a time routes it (inline, so in order).
            if (!out_.empty()) plugin_.outbox_.queue(std::move(out_));
            recycle_list(out_);  // what the outbox did not take (usually all of it: nothing was published)
            lock_.unlock();
            graveyard_ = {};
            plugin_.outbox_.drain([this](const OutMessage& m) { plugin_.send_out(m); });
        }
        CoreAccess(const CoreAccess&) = delete;
        CoreAccess& operator=(const CoreAccess&) = delete;

    private:
        JetStreamPlugin& plugin_;
        std::unique_lock<std::mutex> lock_;
        std::vector<OutMessage>* previous_;
        Retired* previous_retired_;
        bool io_;
        std::vector<OutMessage> out_;
        Retired graveyard_;
    };
    static inline thread_local std::vector<OutMessage>* deferred_ = nullptr;
    static inline thread_local Retired* retired_ = nullptr;

public:
    JetStreamPlugin(nats_sdk::Host& host, const nlohmann::json& config)
        : Plugin(host), settings_(read_settings(config)), declared_(declared_in(config)), messaging_(host) {
        host.declare_kind(nats_sdk::store::kind_name, nats_sdk::KindVersion{NMK_STREAM_STORE_MAJOR, NMK_STREAM_STORE_MINOR}.packed());
    }

    static bool same_rules(const std::vector<FileBackendRule>& a, const std::vector<FileBackendRule>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
            return x.account == y.account && x.stream == y.stream && x.backend == y.backend;
        });
    }

    // -t: the settings and the declared assets, without touching any data.
    static void validate(const nlohmann::json& config) {
        read_settings(config);
        declared_in(config);
    }

    // SIGHUP: declared assets are applied again (created, updated, reported); a change of
    // any other setting needs a restart and is refused, keeping the running config.
    void reload(const nlohmann::json& config) override {
        const ServerSettings next = read_settings(config);
        if (next.store_dir != settings_.store_dir || next.sync != settings_.sync || next.domain != settings_.domain ||
            next.file_backend != settings_.file_backend || !same_rules(next.file_backend_rules, settings_.file_backend_rules) ||
            next.max_memory != settings_.max_memory || next.max_store != settings_.max_store)
            throw nats_sdk::Error("JetStream settings other than declared assets need a restart", NMK_UNSUPPORTED);
        auto declared = std::make_shared<DeclaredAssets>(declared_in(config));
        worker_->post([this, declared] {
            CoreAccess access(*this);
            declared_ = *declared;
            apply_declared();
        });
    }

    void start() override {
        worker_.emplace(nats_sdk::Executor::blocking(host(), 1));
        timers_.start([this] {
            post_delivery([this] {
                CoreAccess access(*this, true);
                if (core_) core_->run_timers(unix_now_ns());
            });
        });
        register_pages();
        // The store backends register in their own start(); look them up once all are up.
        nats_sdk::on_all_started(host(), [this] { open(); });
    }

    void stop() override {
        std::vector<nats_sdk::Subscription> subs;
        {
            std::lock_guard lock(subs_mutex_);
            for (auto& [key, list] : stream_subs_) {
                for (auto& s : list) subs.push_back(std::move(s));
            }
            stream_subs_.clear();
            for (auto& [account, list] : api_subs_) {
                for (auto& s : list) subs.push_back(std::move(s));
            }
            api_subs_.clear();
            for (auto& [id, s] : session_subs_) subs.push_back(std::move(s));
            session_subs_.clear();
        }
        subs.clear();
        {
            std::lock_guard lock(subs_mutex_);
            for (auto& [key, links] : consumer_links_) {
                for (auto& sub : links.subscriptions) subs.push_back(std::move(sub));
            }
            consumer_links_.clear();  // the watches end here, before the executors go
        }
        subs.clear();
        {
            std::lock_guard lock(session_timers_mutex_);
            session_timers_.clear();
        }
        account_watch_.reset();
        expiry_.reset();
        expiry_wake_.stop();
        stopping_ = true;
        timers_.stop();
        if (worker_) {
            worker_->post([this] {
                CoreAccess access(*this);
                if (core_) core_->close();
            });
            worker_->drain();
        }
    }

private:
    // ---- start-up ----
    // Runs once every plugin has started, before the server accepts clients: opens the
    // stores, brings the streams back and enables the accounts, and waits for that, so
    // the first client already finds JetStream complete.
    void open() {
        auto memory = nats_sdk::store::find_stream_store_backend(host(), "memory");
        JetStreamCore::Backends file;
        for (const auto& name : settings_.file_backend_names()) {
            file[name] = nats_sdk::store::find_stream_store_backend(host(), name);
            if (!file[name] && name != settings_.file_backend)
                host().error("JetStream: the store backend '{}' that jetstream.file_backends names is not loaded", name);
        }
        if (!memory && !file[settings_.file_backend]) {
            host().error("JetStream has no store backend (load store_memory and/or store_file)");
        }
        std::string server_name;
        std::int64_t max_payload = 0;
        try {
            const auto varz = host().query_json("varz", "");
            server_name = varz.value("server_name", std::string());
            max_payload = varz.value("max_payload", std::int64_t{0});
            server_id_ = varz.value("server_id", std::string());
        } catch (const std::exception&) {
        }
        nats_sdk::Accounts accounts(host());
        std::vector<std::pair<std::string, std::optional<AccountLimits>>> initial;
        for (const auto& name : accounts.list()) {
            if (name == "$SYS") continue;
            initial.emplace_back(name, limits_for(accounts, name));
            subscribe_api(name, true);
        }
        std::promise<void> opened;
        worker_->post([&] {
            CoreAccess access(*this);
            core_ = std::make_unique<JetStreamCore>(settings_, static_cast<Bus&>(*this), memory, file);
            core_->set_server_name(server_name);
            if (max_payload > 0) core_->set_max_payload(max_payload);
            try {
                host().info("Starting JetStream");
                core_->open();
                host().info("  Storage directory: \"{}\"", settings_.store_dir);
                if (!settings_.domain.empty()) host().info("  Domain: {}", settings_.domain);
                if (settings_.file_backend != "file") host().info("  File storage on: {}", settings_.file_backend);
                for (const auto& rule : settings_.file_backend_rules)
                    host().info("  File storage on {} for account '{}', stream '{}'", rule.backend, rule.account, rule.stream);
                host().info("  Sync: {}", settings_.sync == "batch" ? std::string("fsync before ack (group commit)")
                                                                    : settings_.sync);
                for (const auto& [name, limits] : initial) {
                    if (limits) core_->enable_account(name, *limits);
                }
                apply_declared();
            } catch (const std::exception& e) {
                host().error("JetStream could not open its store in '{}': {}", settings_.store_dir, e.what());
            }
            opened.set_value();
        });
        opened.get_future().wait();
        account_watch_.emplace(accounts.watch([this](std::string_view account, nats_sdk::AccountEvent event) {
            on_account(std::string(account), event);
        }));
        // Expiry looks every second (a new stream's first message is found so) and, in
        // between, wakes exactly when the oldest message's max_age (or a dedup entry's
        // window) runs out, so a value leaves on time as in nats-server, not up to 1 s late.
        expiry_wake_.start([this] { worker_->post([this] { expire_now(); }); });
        expiry_.emplace(host().every(std::chrono::seconds(1), [this] { worker_->post([this] { expire_now(); }); }));
    }

    // On the worker.
    void expire_now() {
        CoreAccess access(*this);
        expire_held();
    }
    // On the worker, with the core held.
    void expire_held() {
        if (!core_) return;
        const std::int64_t now = unix_now_ns();
        const std::int64_t next_in = core_->expire_all(now);
        if (next_in > 0 && next_in < 1'000'000'000) expiry_wake_.wake_at(now + next_in);
    }

    // ---- monitoring: pages built on the worker, which owns the state ----
    void register_pages() {
        host().register_http_endpoint("/jsz", [this](const nats_sdk::HttpRequest& req, const nats_sdk::HttpResponse& res) {
            const nats_sdk::GoQuery query{std::string(req.query())};
            const JszOptions options = jsz_options(query);
            answer_page(res, [this, options](JetStreamCore& core) { return jsz_json(core, server_id_, options); });
        });
        host().register_http_endpoint("/varz/jetstream", [this](const nats_sdk::HttpRequest&, const nats_sdk::HttpResponse& res) {
            answer_page(res, [](JetStreamCore& core) { return varz_section_json(core); });
        });
        host().register_http_endpoint("/healthz", [this](const nats_sdk::HttpRequest&, const nats_sdk::HttpResponse& res) {
            answer_page(res, [](JetStreamCore&) { return std::string("{\"status\":\"ok\"}"); });
        });
    }

    // Runs `build` on the worker and answers with its JSON; 503 when JetStream is not
    // up (its store could not be opened) or the worker does not answer within 5 s.
    template <class Build>
    void answer_page(const nats_sdk::HttpResponse& res, Build build) {
        auto promise = std::make_shared<std::promise<std::string>>();
        auto page = promise->get_future();
        try {
            worker_->post([this, promise, build] {
                CoreAccess access(*this);
                try {
                    if (!core_ || !core_->is_open()) throw std::runtime_error("JetStream is not running");
                    promise->set_value(build(*core_));
                } catch (...) {
                    promise->set_exception(std::current_exception());
                }
            });
        } catch (...) {
            promise->set_exception(std::current_exception());
        }
        answer_json_page(res, std::move(page), std::chrono::seconds(5));
    }

    void on_account(const std::string& account, nats_sdk::AccountEvent event) {
        if (account == "$SYS") return;
        subscribe_api(account, event != nats_sdk::AccountEvent::removed);
        nats_sdk::Accounts accounts(host());
        const auto limits = event == nats_sdk::AccountEvent::removed ? std::nullopt : limits_for(accounts, account);
        worker_->post([this, account, limits] {
            CoreAccess access(*this);
            if (!core_) return;
            if (limits) {
                core_->enable_account(account, *limits);
                apply_declared();  // its declared assets, now that it has JetStream
            } else {
                core_->disable_account(account);
            }
        });
    }

    // The `jetstream` block's declared assets (declare/); none when JetStream came from -js.
    static DeclaredAssets declared_in(const nlohmann::json& config) {
        const auto block = config.find("jetstream");
        return block != config.end() ? read_declared_assets(*block) : DeclaredAssets{};
    }

    // With the core held, on the worker.
    void apply_declared() {
        if (!core_ || declared_.empty()) return;
        for (const auto& line : reconcile_declared(*core_, declared_)) {
            if (line.level >= 3) host().warn("{}", line.text);
            else host().info("{}", line.text);
        }
        core_->flush();
    }

    // Which accounts have JetStream: with only the global account, it does; otherwise
    // those whose block says so (nats-server's enableJetStreamAccounts).
    std::optional<AccountLimits> limits_for(const nats_sdk::Accounts& accounts, const std::string& account) {
        try {
            const auto block = accounts.config(account);
            if (block.contains("jetstream")) return AccountLimits::from_account_config(block["jetstream"]);
            if (account == "$G" && global_account_only(accounts)) return AccountLimits{};
        } catch (const std::exception& e) {
            host().warn("JetStream: account '{}': {}", account, e.what());
        }
        return std::nullopt;
    }

    static bool global_account_only(const nats_sdk::Accounts& accounts) {
        for (const auto& name : accounts.list()) {
            if (name != "$G" && name != "$SYS") return false;
        }
        return true;
    }

    void subscribe_api(const std::string& account, bool on) {
        std::lock_guard lock(subs_mutex_);
        auto& list = api_subs_[account];
        if (!on) {
            list.clear();
            return;
        }
        if (!list.empty()) return;
        const auto handle = messaging_.account(account);
        const auto on_request = [this, account](const nats_sdk::MessageEx& m) {
            if (m.subject().substr(0, pull_prefix.size()) == pull_prefix) return pull(account, m.subject(), m);
            if (m.subject().substr(0, direct_get_prefix.size()) == direct_get_prefix) return direct_get(account, m.subject(), m);
            ApiRequest in{m.client_id(), account, std::string(m.subject()), std::string(m.reply()),
                       std::string(m.headers()), std::string(m.payload())};
            enqueue(std::move(in));
        };
        list.push_back(messaging_.subscribe(handle, "$JS.API.>", on_request));
        if (!settings_.domain.empty()) {
            const std::string domain_prefix = "$JS." + settings_.domain + ".API";
            list.push_back(messaging_.subscribe(handle, domain_prefix + ".>", [this, account, domain_prefix](const nats_sdk::MessageEx& m) {
                // $JS.<domain>.API.X is $JS.API.X for this server.
                std::string subject = "$JS.API" + std::string(m.subject().substr(domain_prefix.size()));
                if (subject.substr(0, pull_prefix.size()) == pull_prefix) return pull(account, subject, m);
                if (subject.substr(0, direct_get_prefix.size()) == direct_get_prefix) return direct_get(account, subject, m);
                enqueue(ApiRequest{m.client_id(), account, std::move(subject), std::string(m.reply()),
                                std::string(m.headers()), std::string(m.payload())});
            }));
        }
    }

    // A pull request goes straight to its consumer on this I/O thread, as nats-server's
    // per-consumer subscription takes it: not through the API queue, not counted.
    static constexpr std::string_view pull_prefix = "$JS.API.CONSUMER.MSG.NEXT.";
    void pull(const std::string& account, std::string_view subject, const nats_sdk::MessageEx& m) {
        CoreAccess access(*this, true);
        if (!core_) return;
        try {
            core_->handle_pull(account, subject, m.reply(), m.payload());
        } catch (const std::exception& e) {
            host().error("JetStream: pull request on '{}' failed: {}", subject, e.what());
        }
    }

    // A direct get is answered on this I/O thread too, as the stream's own subscription
    // answers it in nats-server: no hand-off to the worker, not an API call.
    static constexpr std::string_view direct_get_prefix = "$JS.API.DIRECT.GET.";
    void direct_get(const std::string& account, std::string_view subject, const nats_sdk::MessageEx& m) {
        CoreAccess access(*this, true);
        if (!core_) return;
        try {
            core_->handle_api(account, subject, m.reply(), m.headers(), m.payload(), m.client_id());
        } catch (const std::exception& e) {
            host().error("JetStream: direct get on '{}' failed: {}", subject, e.what());
        }
    }

    // ---- the inbound queue ----
    void enqueue(ApiRequest&& in) {
        const ApiQueue::Pushed pushed = api_queue_.push(std::move(in));
        if (pushed.first_refusal) host().warn("JetStream: API request queue full (256 MiB), requests dropped");
        if (!pushed.schedule_drain) return;
        try {
            worker_->post([this] { drain(); });
        } catch (const nats_sdk::Error&) {
            // Stopping: the worker is gone and what is queued is dropped unanswered.
        }
    }

    void drain() {
        for (;;) {
            std::deque<ApiRequest> batch = api_queue_.take();
            if (batch.empty()) return;
            CoreAccess access(*this);
            bool streams_changed = false;  // a new or changed max_age needs expiry's next look
            for (auto& in : batch) {
                if (!core_) continue;
                try {
                    core_->handle_api(in.account, in.subject, in.reply, in.headers, in.payload, in.client_id);
                } catch (const std::exception& e) {
                    host().error("JetStream: '{}' on '{}' failed: {}", in.account, in.subject, e.what());
                }
                const std::string_view subject = in.subject;
                streams_changed = streams_changed || subject.find(".API.STREAM.CREATE.") != std::string_view::npos ||
                                  subject.find(".API.STREAM.UPDATE.") != std::string_view::npos;
            }
            if (core_) core_->flush();
            if (streams_changed) expire_held();
        }
    }

    // ---- Bus ----
    void publish(const std::string& account, std::string_view subject, std::string_view headers,
                 std::string_view payload) override {
        OutMessage m{account, std::string(subject), std::string(headers), std::string(payload), {}, {}};
        if (deferred_ != nullptr) deferred_->push_back(std::move(m));
        else send_out(m);
    }

    void publish_all(const std::string& account, std::vector<DurableOutput>& messages) override {
        if (messages.empty()) return;
        if (deferred_ != nullptr) {
            deferred_->reserve(deferred_->size() + messages.size());  // a read's acks: grown once
            for (auto& d : messages)
                deferred_->push_back({account, std::move(d.subject), std::move(d.headers), std::move(d.payload), {}, {}});
            return;
        }
        // A store's syncer thread: one hand-off for the whole group commit, so each
        // publisher's acks reach its connection together and leave in one write.
        std::vector<nats_sdk::OutMessage> out;
        out.reserve(messages.size());
        for (const auto& d : messages) out.push_back({d.subject, d.payload, {}, d.headers, account});
        try {
            messaging_.publish_batch(account_handle(account), out, nats_sdk::publish_no_echo);
        } catch (const std::exception&) {
            // The batch is all or nothing: one reply subject the server will not publish to
            // must not cost the others their acks.
            for (auto& d : messages) send_out({account, std::move(d.subject), std::move(d.headers), std::move(d.payload), {}, {}});
        }
    }

    void publish_with_reply(const std::string& account, std::string_view subject, std::string_view reply,
                            std::string_view payload) override {
        OutMessage m{account, std::string(subject), {}, std::string(payload), {}, std::string(reply)};
        if (deferred_ != nullptr) deferred_->push_back(std::move(m));
        else send_out(m);
    }

    void publish_internal(const std::string& account, std::string_view subject, std::string_view reply,
                          std::string_view payload) override {
        OutMessage m{account, std::string(subject), {}, std::string(payload), {}, std::string(reply), true};
        if (deferred_ != nullptr) deferred_->push_back(std::move(m));
        else send_out(m);
    }

    void deliver(const std::string& account, std::string_view deliver_subject, std::string_view subject,
                 std::string_view reply, std::string_view headers, std::string_view payload) override {
        // Echoed: a mirror's or source's own subscription may be what receives it.
        OutMessage m{account, std::string(subject), std::string(headers), copy_payload(payload), std::string(deliver_subject),
                     std::string(reply), true};
        if (m.subject.empty()) m.subject.swap(m.deliver_subject);
        if (deferred_ != nullptr) deferred_->push_back(std::move(m));
        else send_out(m);
    }

    void send_out(const OutMessage& m) {
        try {
            const auto handle = account_handle(m.account);
            const nats_sdk::OutMessage out{m.subject, m.payload, m.reply, m.headers, m.account};
            const std::uint32_t flags = m.echo ? 0 : nats_sdk::publish_no_echo;
            if (m.deliver_subject.empty()) messaging_.publish(handle, out, flags);
            else messaging_.publish_deliver(handle, m.deliver_subject, out, flags);
        } catch (const std::exception& e) {
            host().warn("JetStream: publish to '{}' failed: {}", m.subject, e.what());
        }
    }

    bool has_interest(const std::string& account, std::string_view subject) override {
        try {
            return messaging_.has_interest(account_handle(account), subject);
        } catch (const std::exception&) {
            return false;
        }
    }

    void attach_consumer(const std::string& account, const std::string& stream, const std::string& consumer,
                         const std::string& deliver_subject) override {
        ConsumerLinks links;
        const auto handle = account_handle(account);
        links.subscriptions.push_back(messaging_.subscribe(
            handle, "$JS.ACK." + stream + "." + consumer + ".*.*.*.*.*", [this, account, stream, consumer](const nats_sdk::MessageEx& m) {
                // Inline on the I/O thread, like a publish.
                CoreAccess access(*this, true);
                if (core_) core_->handle_ack(account, stream, consumer, m.subject(), m.reply(), m.payload());
            }));
        links.subscriptions.push_back(messaging_.subscribe(
            handle, "$JS.FC." + stream + "." + consumer + ".*", [this, account, stream, consumer](const nats_sdk::MessageEx& m) {
                CoreAccess access(*this, true);
                if (core_) core_->handle_flow_control(account, stream, consumer, m.subject());
            }));
        if (!deliver_subject.empty()) {
            // The callback must not block: the change is handled in a posted turn.
            links.watch.emplace(messaging_.watch_interest(handle, deliver_subject, [this, account, stream, consumer](bool active) {
                post_delivery([this, account, stream, consumer, active] {
                    CoreAccess access(*this, true);
                    if (core_) core_->handle_interest(account, stream, consumer, active);
                });
            }));
        }
        std::lock_guard lock(subs_mutex_);
        auto& slot = consumer_links_[{account, stream, consumer}];
        retire(slot);
        slot = std::move(links);
    }

    void detach_consumer(const std::string& account, const std::string& stream, const std::string& consumer) override {
        std::lock_guard lock(subs_mutex_);
        auto it = consumer_links_.find({account, stream, consumer});
        if (it == consumer_links_.end()) return;
        retire(it->second);
        consumer_links_.erase(it);
    }

    // Ends the links now, or once the core mutex is released when this thread holds it.
    void retire(ConsumerLinks& links) {
        if (retired_ == nullptr) {
            links = {};
            return;
        }
        for (auto& s : links.subscriptions) retired_->subscriptions.push_back(std::move(s));
        links.subscriptions.clear();
        if (links.watch) retired_->watches.push_back(std::move(links.watch));
        links.watch.reset();
    }

    void kick(const std::string& account, const std::string& stream) override {
        {
            std::lock_guard lock(kicks_mutex_);
            if (!kicks_.insert({account, stream}).second) return;  // one turn already asked for
        }
        post_delivery([this] {
            std::set<std::pair<std::string, std::string>> due;
            {
                std::lock_guard lock(kicks_mutex_);
                due.swap(kicks_);
            }
            CoreAccess access(*this, true);
            if (!core_) return;
            for (const auto& [account, stream] : due) core_->deliver_stream(account, stream);
        });
    }

    void wake_at(std::int64_t unix_ns) override { timers_.wake_at(unix_ns); }

    // Consumer turns run as posted tasks on an I/O thread (see CoreAccess).
    void post_delivery(std::function<void()> task) {
        if (stopping_.load()) return;
        try {
            host().post(std::move(task));
        } catch (const nats_sdk::Error&) {
            // Stopping.
        }
    }

    void listen(const std::string& account, const std::string& stream, const std::vector<std::string>& subjects) override {
        std::lock_guard lock(subs_mutex_);
        auto& list = stream_subs_[{account, stream}];
        ConsumerLinks old;
        old.subscriptions = std::move(list);
        list.clear();
        retire(old);
        const auto handle = messaging_.account(account);
        for (const auto& subject : subjects) {
            list.push_back(messaging_.subscribe(handle, subject, [this, account, stream](const nats_sdk::MessageEx& m) {
                // Inline on the I/O thread: no copy, no hand-off (see THREADS above).
                CoreAccess access(*this, true);
                if (!core_) return;
                try {
                    core_->handle_publish(account, stream, m.subject(), m.reply(), m.headers(), m.payload());
                    flush_after_read();
                } catch (const std::exception& e) {
                    host().error("JetStream: publish to '{}' failed: {}", m.subject(), e.what());
                }
            }));
        }
    }

    // With the core held, on the I/O thread that read a publish: the flush (sync, then
    // acks) runs once that thread has handled the rest of what it read, so the publishes
    // one read brought share one store sync and their acks leave in one write. The post
    // runs on this same thread (the host's rule for posts from I/O threads), after it.
    void flush_after_read() {
        // A thread may go on reading (up to 16 reads per turn): past this many publishes
        // they are synced now, which bounds the wait of the first and lets the fsync of
        // these overlap with handling the next.
        if (++publishes_unflushed_ >= flush_every_publishes) {
            publishes_unflushed_ = 0;
            core_->flush();
            return;
        }
        if (flush_posted_) return;
        if (!stopping_.load()) {
            try {
                host().post([this] {
                    CoreAccess access(*this, true);
                    flush_posted_ = false;
                    publishes_unflushed_ = 0;
                    if (core_) core_->flush();
                });
                flush_posted_ = true;
                return;
            } catch (const nats_sdk::Error&) {
                // Stopping: flush now instead.
            }
        }
        core_->flush();
    }

    void stop_listening(const std::string& account, const std::string& stream) override {
        std::lock_guard lock(subs_mutex_);
        auto it = stream_subs_.find({account, stream});
        if (it == stream_subs_.end()) return;
        ConsumerLinks links;
        links.subscriptions = std::move(it->second);
        stream_subs_.erase(it);
        retire(links);
    }

    // ---- API sessions (snapshot acks, restore chunks, their timers) ----
    std::uint64_t subscribe(const std::string& account, const std::string& subject, SessionMessage handler) override {
        auto shared = std::make_shared<SessionMessage>(std::move(handler));
        auto sub = messaging_.subscribe(messaging_.account(account), subject, [this, shared](const nats_sdk::MessageEx& m) {
            // Bounded like the API queue: beyond it a chunk is dropped and its sender's
            // request times out.
            const std::size_t bytes = m.subject().size() + m.reply().size() + m.payload().size() + 64;
            if (session_bytes_.fetch_add(bytes) + bytes > max_inbound_bytes) {
                session_bytes_ -= bytes;
                return;
            }
            run_on_worker([this, shared, bytes, subject = std::string(m.subject()), reply = std::string(m.reply()),
                           payload = std::string(m.payload())](JetStreamCore& core) {
                session_bytes_ -= bytes;
                (*shared)(core, subject, reply, payload);
            });
        });
        std::lock_guard lock(subs_mutex_);
        const std::uint64_t id = ++next_session_sub_;
        session_subs_.emplace(id, std::move(sub));
        return id;
    }

    // A mirror's or source's deliveries: inline like a publish to a stream.
    std::uint64_t subscribe_inline(const std::string& account, const std::string& subject, InlineMessage handler) override {
        auto shared = std::make_shared<InlineMessage>(std::move(handler));
        auto sub = messaging_.subscribe(messaging_.account(account), subject, [this, shared, subject](const nats_sdk::MessageEx& m) {
            CoreAccess access(*this, true);
            if (!core_) return;
            try {
                (*shared)(*core_, m.subject(), m.reply(), m.headers(), m.payload());
                core_->flush();
            } catch (const std::exception& e) {
                host().error("JetStream: message on '{}' failed: {}", subject, e.what());
            }
        });
        std::lock_guard lock(subs_mutex_);
        const std::uint64_t id = ++next_session_sub_;
        session_subs_.emplace(id, std::move(sub));
        return id;
    }

    void unsubscribe(std::uint64_t id) override {
        ConsumerLinks gone;
        std::lock_guard lock(subs_mutex_);
        auto it = session_subs_.find(id);
        if (it == session_subs_.end()) return;
        gone.subscriptions.push_back(std::move(it->second));
        session_subs_.erase(it);
        // Ended once the core is released (an inline callback may be waiting for it).
        retire(gone);
    }

    void post(std::chrono::milliseconds delay, std::function<void(JetStreamCore&)> task) override {
        if (delay.count() <= 0) return run_on_worker(std::move(task));
        std::lock_guard lock(session_timers_mutex_);
        // A timer is dropped here once it fired, never inside its own callback.
        std::erase_if(session_timers_, [](const auto& t) { return t.second->load(); });
        auto fired = std::make_shared<std::atomic<bool>>(false);
        session_timers_.emplace_back(host().after(delay, [this, task = std::move(task), fired] {
                                 run_on_worker(task);
                                 fired->store(true);
                             }),
                             fired);
    }

    void run_on_worker(std::function<void(JetStreamCore&)> task) {
        try {
            worker_->post([this, task = std::move(task)] {
                CoreAccess access(*this);
                if (!core_) return;
                try {
                    task(*core_);
                } catch (const std::exception& e) {
                    host().error("JetStream: session task failed: {}", e.what());
                }
            });
        } catch (const nats_sdk::Error&) {
            // Stopping: the worker is gone, and so are the sessions.
        }
    }

    void log(int level, const std::string& text) override {
        if (level >= 4) host().error("{}", text);
        else if (level == 3) host().warn("{}", text);
        else host().info("{}", text);
    }

    nats_sdk::AccountHandle account_handle(const std::string& account) {
        std::lock_guard lock(handles_mutex_);
        auto it = handles_.find(account);
        if (it == handles_.end()) it = handles_.emplace(account, messaging_.account(account)).first;
        return it->second;
    }

    ServerSettings settings_;
    DeclaredAssets declared_;  // touched on the worker only, after construction
    nats_sdk::Messaging messaging_;
    std::string server_id_;  // set before any page can be asked for (on_all_started)
    std::mutex core_mutex_;
    std::unique_ptr<JetStreamCore> core_;  // under core_mutex_

    ApiQueue api_queue_{max_inbound_bytes};
    bool flush_posted_ = false;  // under core_mutex_: a flush_after_read() task is on its way
    std::size_t publishes_unflushed_ = 0;  // under core_mutex_: handled since the last such flush

    Outbox outbox_;  // what the core published on I/O threads, in its order, not yet sent

    std::mutex handles_mutex_;
    std::map<std::string, nats_sdk::AccountHandle> handles_;

    std::mutex subs_mutex_;
    std::map<std::pair<std::string, std::string>, std::vector<nats_sdk::Subscription>> stream_subs_;
    std::map<std::string, std::vector<nats_sdk::Subscription>> api_subs_;
    std::map<std::uint64_t, nats_sdk::Subscription> session_subs_;
    std::uint64_t next_session_sub_ = 0;
    std::atomic<std::size_t> session_bytes_{0};

    std::mutex session_timers_mutex_;
    std::vector<std::pair<nats_sdk::Timer, std::shared_ptr<std::atomic<bool>>>> session_timers_;

    std::map<std::tuple<std::string, std::string, std::string>, ConsumerLinks> consumer_links_;  // under subs_mutex_

    std::mutex kicks_mutex_;
    std::set<std::pair<std::string, std::string>> kicks_;  // streams waiting for a delivery turn

    std::optional<nats_sdk::AccountWatch> account_watch_;
    std::optional<nats_sdk::Timer> expiry_;
    WakeTimer expiry_wake_;  // the next max_age or dedup expiry due within the second
    WakeTimer timers_;
    std::atomic<bool> stopping_{false};  // no more consumer turns are posted
    std::optional<nats_sdk::Executor> worker_;  // last: drains before the state its tasks use goes
};

}  // namespace nmk::jetstream

NATS_SDK_PLUGIN_SERVING(nmk::jetstream::JetStreamPlugin, "jetstream", "0.1.0",
                        "JetStream: streams on pluggable stores (jetstream.store 1.0)", "jetstream.store", "",
                        "jetstream,store_dir", nmk::jetstream::jetstream_flags)
