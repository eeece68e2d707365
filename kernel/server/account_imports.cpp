#include "kernel/server/account_imports.hpp"

#include "kernel/accounts/system_imports.hpp"

#include <asio.hpp>

#include <algorithm>
#include <random>
#include <typeinfo>

#include "kernel/accounts/request_info.hpp"
#include "kernel/accounts/subject_tokens.hpp"
#include "kernel/log/logging.hpp"
#include "kernel/server/client.hpp"
#include "kernel/server/importing_subscription.hpp"
#include "kernel/server/io_thread.hpp"
#include "kernel/server/router.hpp"
#include "kernel/server/server.hpp"
#include "kernel/server/service_latency.hpp"

namespace nats::server {

using steady = std::chrono::steady_clock;
using accounts::ResponseType;

namespace {

// The service-import hops in progress on this thread, innermost last. Each
// names the message it produced, so a delivery can tell whether the message it
// got came through a service import (then stream imports skip it) and which
// exports it already passed (loops stop there).
struct HopFrame {
    const RoutedMessage* produced;
    const std::string* export_id;
    int parent;  // index of the frame that produced the incoming message, or -1
};
thread_local std::vector<HopFrame> hop_frames;

int frame_of(const RoutedMessage* message) {
    for (int i = static_cast<int>(hop_frames.size()) - 1; i >= 0; --i)
        if (hop_frames[static_cast<std::size_t>(i)].produced == message) return i;
    return -1;
}

struct FramePush {
    FramePush(const RoutedMessage* produced, const std::string* export_id, int parent) {
        hop_frames.push_back({produced, export_id, parent});
    }
    ~FramePush() { hop_frames.pop_back(); }
    FramePush(const FramePush&) = delete;
    FramePush& operator=(const FramePush&) = delete;
};

std::uint64_t random_u64() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return generator();
}

// n base-62 characters, as nats-server's reply tokens.
std::string base62(std::size_t n) {
    static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string out(n, '0');
    std::uint64_t r = random_u64();
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = digits[r % 62];
        r /= 62;
    }
    return out;
}

constexpr std::string_view reply_prefix = "_R_.";

// 22 base-62 characters, the length of nats-server's event ids (NUIDs).
std::string event_id() { return base62(6) + base62(6) + base62(6) + base62(4); }

}  // namespace

// ---- the subscriptions this file puts into subject indexes ----

struct AccountImports::StreamRoute {
    accounts::StreamLink link;
    AccountPtr importer, exporter;
};

struct AccountImports::ServiceRoute {
    accounts::ServiceLink link;
    AccountPtr importer, exporter;
    std::string export_id;
};

struct AccountImports::ResponseEntry {
    AccountPtr target;         // where the requester waits
    std::string target_reply;  // its reply subject there
    ResponseType type = ResponseType::singleton;
    std::string export_id;
    std::chrono::milliseconds threshold{0};
    steady::time_point deadline;
    // A sampled request of an export with latency tracking, until its result
    // is published (at the first response, or when the mapping goes).
    std::shared_ptr<TrackedRequest> tracked;
};

struct AccountImports::ReplyTable {
    AccountPtr owner;
    std::string prefix;  // "_R_.xxxxxx."
    std::shared_ptr<ServerSubscription> wildcard;
    std::unordered_map<std::string, ResponseEntry> entries;
};

namespace {

// A stream import's copy of an importing client's subscription, living in the
// exporter's index: it queues the message to the client under the mapped subject.
class ShadowSubscription final : public ServerSubscription {
public:
    ShadowSubscription(std::shared_ptr<const AccountImports::StreamRoute> route, const ClientSubscription& original)
        : route_(std::move(route)) {
        target_.client = original.client;
        target_.sid = original.sid;
        target_.subject = original.subject;
        target_.queue = original.queue;
        target_.origin = original.origin;
        origin = original.origin;
    }
    // A plugin's subscription: delivered to through the subscription itself.
    ShadowSubscription(std::shared_ptr<const AccountImports::StreamRoute> route, std::shared_ptr<ServerSubscription> internal)
        : route_(std::move(route)), internal_(std::move(internal)) {
        origin = internal_->origin;
    }

    bool deliver(const RoutedMessage& message, IoThread& from, Client* publisher) override {
        // What a service import brought into this account is not re-exported as a stream.
        if (!hop_frames.empty() && frame_of(&message) >= 0) return false;
        const accounts::StreamLink& link = route_->link;
        // A deliver-subject publish keeps showing its own subject whatever the
        // import maps (nats-server swaps the mapped subject back for the MSG line).
        if (link.use_published || message.rerouted()) return target(message, from, publisher);
        if (!link.transform)
            return target(RoutedMessage{link.to, message.reply, message.headers, message.payload}, from, publisher);
        const std::string subject = link.transform->apply(message.subject);
        return target(RoutedMessage{subject, message.reply, message.headers, message.payload}, from, publisher);
    }

private:
    bool target(const RoutedMessage& message, IoThread& from, Client* publisher) {
        return internal_ ? internal_->deliver(message, from, publisher) : target_.deliver(message, from, publisher);
    }

    std::shared_ptr<const AccountImports::StreamRoute> route_;
    ClientSubscription target_;
    std::shared_ptr<ServerSubscription> internal_;  // set for a plugin's subscription instead of target_
};

// The importer's subscription on a service import's subject.
class ServiceImportSubscription final : public ServerSubscription {
public:
    ServiceImportSubscription(std::weak_ptr<AccountImports> owner, std::shared_ptr<const AccountImports::ServiceRoute> route)
        : owner_(std::move(owner)), route_(std::move(route)) {
        subject = route_->link.from;
    }

    bool deliver(const RoutedMessage& message, IoThread& from, Client* publisher) override {
        auto owner = owner_.lock();
        if (!owner) return false;
        const accounts::ServiceLink& link = route_->link;
        AccountImports::Hop hop;
        hop.source = route_->importer;
        hop.target = route_->exporter;
        hop.subject = accounts::service_subject(link, message.route());
        hop.response_type = link.response_type;
        hop.threshold = link.response_threshold;
        hop.export_id = route_->export_id;
        hop.share = link.share;
        if (link.latency) hop.latency = &*link.latency;  // the route outlives the hop
        owner->forward(hop, message, from, publisher);
        // As nats-server: an import subscription counts as a delivery, so a
        // requester gets no "no responders" status through it.
        return true;
    }

private:
    std::weak_ptr<AccountImports> owner_;
    std::shared_ptr<const AccountImports::ServiceRoute> route_;
};

// An account's wildcard subscription on its `_R_.<prefix>.>` replies.
class ResponseSubscription final : public ServerSubscription {
public:
    ResponseSubscription(std::weak_ptr<AccountImports> owner, const Account& account, std::string wildcard)
        : owner_(std::move(owner)), account_(account) {
        subject = std::move(wildcard);
    }

    bool deliver(const RoutedMessage& message, IoThread& from, Client* publisher) override {
        if (auto owner = owner_.lock()) owner->deliver_response(account_, message, from, publisher);
        return true;
    }

private:
    std::weak_ptr<AccountImports> owner_;
    const Account& account_;  // accounts live as long as the server
};

}  // namespace

AccountImports::AccountImports(Server& server) : server_(server) {}

AccountImports::~AccountImports() { clear(); }

std::shared_ptr<const accounts::AccountsConfig> AccountImports::config() const {
    std::lock_guard lock(mutex_);
    return config_;
}

// ---- configuration ----

void AccountImports::apply(const accounts::AccountsConfig& configured) {
    // nats-server's automatic imports of the system account's CONNZ/STATZ into every account.
    accounts::AccountsConfig config = configured;
    accounts::add_system_imports(config);
    for (const auto& a : config.accounts) {
        const AccountPtr account = server_.get_or_create_account(a.name);
        account->max_connections.store(a.limits.max_connections, std::memory_order_relaxed);
        account->max_subscriptions.store(a.limits.max_subscriptions, std::memory_order_relaxed);
        account->max_payload.store(a.limits.max_payload, std::memory_order_relaxed);
    }
    if (!config.no_system_account) server_.get_or_create_account(config.system_account);
    // Every account's mappings are replaced: one whose block lost them (or left
    // the config) gets none.
    for (const AccountPtr& account : server_.accounts()) {
        const accounts::AccountConfig* a = config.find(account->name);
        account->set_mappings(account->name == global_account_name ? config.global_mappings
                              : a                                  ? a->mappings
                                                                   : nullptr);
    }

    auto shared_config = std::make_shared<const accounts::AccountsConfig>(config);
    std::unordered_map<const Account*, std::vector<std::shared_ptr<const StreamRoute>>> streams;
    for (const auto& link : config.stream_links) {
        auto route = std::make_shared<StreamRoute>();
        route->link = link;
        route->importer = server_.get_or_create_account(link.importer);
        route->exporter = server_.get_or_create_account(link.exporter);
        streams[route->importer.get()].push_back(std::move(route));
    }
    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> service_subs;
    std::vector<AccountPtr> reply_accounts;
    auto min_threshold = accounts::default_response_threshold;
    for (const auto& link : config.service_links) {
        auto route = std::make_shared<ServiceRoute>();
        route->link = link;
        route->importer = server_.get_or_create_account(link.importer);
        route->exporter = server_.get_or_create_account(link.exporter);
        route->export_id = link.exporter + '\x1f' + link.export_subject;
        reply_accounts.push_back(route->exporter);
        reply_accounts.push_back(route->importer);  // a response may itself carry a reply
        min_threshold = std::min(min_threshold, link.response_threshold);
        AccountPtr importer = route->importer;
        service_subs.emplace_back(std::move(importer),
                                  std::make_shared<ServiceImportSubscription>(weak_from_this(), std::move(route)));
    }

    // Reply tables are made before any request can need one, and kept across
    // reloads so answers to requests in flight still find their way.
    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> new_wildcards;
    {
        std::lock_guard lock(responses_mutex_);
        for (const auto& account : reply_accounts) {
            auto& table = reply_tables_[account.get()];
            if (table) continue;
            table = std::make_unique<ReplyTable>();
            table->owner = account;
            table->prefix = std::string(reply_prefix) + base62(6) + ".";
            table->wildcard = std::make_shared<ResponseSubscription>(weak_from_this(), *account, table->prefix + ">");
            new_wildcards.emplace_back(account, table->wildcard);
        }
        sweep_interval_ = std::max<std::chrono::milliseconds>(min_threshold / 2, std::chrono::milliseconds(5));
    }
    for (auto& [account, sub] : new_wildcards) server_.add_internal_subscription(account, sub);

    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> old_subs, old_shadows;
    // The system imports alone do not make SUB/UNSUB observed: they have no shadows, and
    // their streamed responses are swept after the threshold rather than on lost interest.
    const bool linked = configured.has_links();
    has_streams_.store(!config.stream_links.empty(), std::memory_order_release);
    {
        std::lock_guard lock(mutex_);
        old_subs.swap(service_subs_);
        for (auto& [sub, list] : shadows_)
            for (auto& s : list) old_shadows.push_back(std::move(s));
        shadows_.clear();
        config_ = shared_config;
        streams_by_importer_ = std::move(streams);
        rebuilding_ = true;
        removed_while_rebuilding_.clear();
    }
    for (auto& [account, sub] : old_subs) server_.remove_internal_subscription(account, sub);
    for (auto& [account, sub] : old_shadows) server_.remove_internal_subscription(account, sub);
    for (auto& [account, sub] : service_subs) server_.add_internal_subscription(account, sub);
    // SUB/UNSUB are observed only while there are links (no cost otherwise).
    if (linked && !registered_.exchange(true)) server_.add_interest_observer(shared_from_this());
    if (!linked && registered_.exchange(false)) server_.remove_interest_observer(this);

    // Shadows for the subscriptions importing accounts already have.
    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> added;
    {
        std::unique_lock lock(mutex_);
        service_subs_ = std::move(service_subs);
        std::vector<AccountPtr> importers;
        for (const auto& [account, routes] : streams_by_importer_) importers.push_back(routes.front()->importer);
        for (const AccountPtr& account : importers) {
            lock.unlock();
            auto existing = account->sublist.all();
            lock.lock();
            for (const auto& sub : existing) {
                auto* server_sub = static_cast<const ServerSubscription*>(sub.get());
                if (removed_while_rebuilding_.count(server_sub)) continue;
                add_shadows_locked(*account, *server_sub, added);
            }
        }
        rebuilding_ = false;
        removed_while_rebuilding_.clear();
    }
    for (auto& [account, sub] : added) server_.notify_interest(*account, *sub, true);
    NMK_DEBUG("Accounts: {} stream import(s), {} service import(s)", config.stream_links.size(),
              config.service_links.size());
}

void AccountImports::clear() {
    if (registered_.exchange(false)) server_.remove_interest_observer(this);
    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> subs;
    {
        std::lock_guard lock(mutex_);
        subs.swap(service_subs_);
        for (auto& [sub, list] : shadows_)
            for (auto& s : list) subs.push_back(std::move(s));
        shadows_.clear();
        streams_by_importer_.clear();
    }
    {
        std::lock_guard lock(responses_mutex_);
        for (auto& [account, table] : reply_tables_) {
            if (table && table->wildcard) {
                // Accounts outlive this object; find the owning pointer to remove it.
                if (auto a = server_.find_account(account->name)) subs.emplace_back(a, table->wildcard);
            }
        }
        reply_tables_.clear();
        reverse_.clear();
        response_count_ = 0;
        has_responses_ = false;
    }
    for (auto& [account, sub] : subs) server_.remove_internal_subscription(account, sub);
    // Only once the I/O threads have stopped: the timer belongs to thread 0.
    if (sweep_timer_ && server_.thread_count() > 0 && !server_.thread(0).context().stopped()) return;
    sweep_timer_.reset();
}

// ---- shadows ----

void AccountImports::add_shadows_locked(const Account& account, const ServerSubscription& subscription,
                                        std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>>& added) {
    auto* client_sub = dynamic_cast<const ClientSubscription*>(&subscription);
    auto* importing = client_sub ? nullptr : dynamic_cast<const ImportingSubscription*>(&subscription);
    if (!client_sub && !importing) return;
    auto routes = streams_by_importer_.find(&account);
    if (routes == streams_by_importer_.end()) return;
    auto [slot, fresh] = shadows_.try_emplace(&subscription);
    if (!fresh) return;
    for (const auto& route : routes->second) {
        auto subject = accounts::shadow_subject(route->link, subscription.subject);
        if (!subject) continue;
        auto shadow = client_sub ? std::make_shared<ShadowSubscription>(route, *client_sub)
                                 : std::make_shared<ShadowSubscription>(route, importing->shared_self());
        shadow->subject = *subject;
        shadow->queue = subscription.queue;
        if (!route->exporter->sublist.insert(shadow)) continue;
        NMK_DEBUG("Creating import subscription on \"{}\" from account \"{}\"", *subject, route->exporter->name);
        slot->second.emplace_back(route->exporter, shadow);
        added.emplace_back(route->exporter, std::move(shadow));
    }
    if (slot->second.empty()) shadows_.erase(slot);
}

void AccountImports::remove_shadows_locked(const ServerSubscription* subscription,
                                           std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>>& removed) {
    auto it = shadows_.find(subscription);
    if (it == shadows_.end()) return;
    for (auto& [account, shadow] : it->second) {
        if (account->sublist.remove(shadow.get())) removed.emplace_back(account, std::move(shadow));
    }
    shadows_.erase(it);
}

void AccountImports::on_interest(const Account& account, const ServerSubscription& subscription, bool added) {
    // Only client and plugin subscriptions import streams; the ones this file adds are neither.
    if (typeid(subscription) != typeid(ClientSubscription) && !dynamic_cast<const ImportingSubscription*>(&subscription))
        return;
    // Every account has the system imports: with no stream import, a SUB costs no lock here.
    if (!has_streams_.load(std::memory_order_acquire)) {
        if (!added && has_responses_.load(std::memory_order_acquire)) drop_lost_interest(account, subscription.subject);
        return;
    }
    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> changed;
    {
        std::lock_guard lock(mutex_);
        if (added) {
            removed_while_rebuilding_.erase(&subscription);
            add_shadows_locked(account, subscription, changed);
        } else {
            if (rebuilding_) removed_while_rebuilding_.insert(&subscription);
            remove_shadows_locked(&subscription, changed);
        }
    }
    for (auto& [exporter, shadow] : changed) server_.notify_interest(*exporter, *shadow, added);
    if (!added && has_responses_.load(std::memory_order_acquire)) drop_lost_interest(account, subscription.subject);
}

// ---- service imports ----

std::string AccountImports::new_reply(ReplyTable& table) { return table.prefix + base62(6); }

bool AccountImports::forward(const Hop& hop, const RoutedMessage& message, IoThread& from, Client* publisher) {
    const int parent = hop_frames.empty() ? -1 : frame_of(&message);
    for (int i = parent; i >= 0; i = hop_frames[static_cast<std::size_t>(i)].parent) {
        if (*hop_frames[static_cast<std::size_t>(i)].export_id == hop.export_id) return false;  // a loop
    }

    // A sampled request of an export with latency tracking.
    std::shared_ptr<TrackedRequest> tracked;
    if (!hop.response && hop.latency) {
        if (auto trace = should_sample(*hop.latency, message.headers, static_cast<int>(random_u64() % 100))) {
            tracked = std::make_shared<TrackedRequest>();
            tracked->results_subject = hop.latency->subject;
            tracked->exporter = hop.target;
            tracked->received = std::chrono::system_clock::now();
            tracked->trace_header = std::move(*trace);
            if (publisher) {
                const ConnectionInfo c = publisher->info();
                tracked->requestor = client_info(c, c.account, hop.share, server_.server_name());
                tracked->requestor_rtt = c.rtt;
            }
            if (message.reply.empty()) {
                publish_latency(*tracked, 400);  // nothing could ever answer it
                tracked.reset();
            } else if (hop.response_type != ResponseType::singleton) {
                tracked.reset();  // as nats-server, only singleton responses are measured
            }
        }
    }

    // A reply subject in the target that leads back to the one given here. A
    // JetStream ack subject goes through as it is (nats-server's
    // processServiceImport: a pull consumer answering across accounts), so
    // every ack reaches the consumer, not only the first one.
    std::string reply;
    const bool ack_reply = message.reply.starts_with("$JS.ACK.");
    if (ack_reply) {
        reply.assign(message.reply);
    } else if (!message.reply.empty()) {
        std::lock_guard lock(responses_mutex_);
        auto table = reply_tables_.find(hop.target.get());
        if (table != reply_tables_.end() && table->second) {
            reply = new_reply(*table->second);
            ResponseEntry entry;
            entry.target = hop.source;
            entry.target_reply.assign(message.reply);
            entry.type = hop.response_type;
            entry.export_id = hop.export_id;
            entry.threshold = hop.threshold;
            entry.deadline = steady::now() + hop.threshold;
            entry.tracked = std::move(tracked);
            table->second->entries.emplace(reply, std::move(entry));
            reverse_[hop.source.get()][std::string(message.reply)].emplace_back(hop.target.get(), reply);
            ++response_count_;
            has_responses_.store(true, std::memory_order_release);
        }
    }
    if (!reply.empty() && !ack_reply) arm_sweep();

    std::string headers;
    std::string_view header_view = message.headers;
    if (!hop.response) {
        nlohmann::json info = nlohmann::json::object();
        bool chained = false;
        if (parent >= 0 && !message.headers.empty()) {
            if (auto existing = nats_sdk::header_value(message.headers, accounts::request_info_header)) {
                auto parsed = nlohmann::json::parse(*existing, nullptr, false);
                if (parsed.is_object()) {
                    info = std::move(parsed);
                    info["svc"] = hop.source->name;
                    chained = true;
                }
            }
        }
        if (!chained) {
            // nats-server's getClientInfo(share); the full snapshot only when shared.
            ConnectionInfo requester;
            if (publisher && hop.share) requester = publisher->info();
            else if (publisher) requester.rtt = publisher->rtt();
            info = client_info(requester, hop.source->name, publisher && hop.share, server_.server_name());
        }
        headers = nats_sdk::set_header(message.headers, accounts::request_info_header, accounts::request_info_text(info));
        header_view = headers;
    }

    // The target account's own subject mappings apply to what arrives through
    // the import (nats-server's processServiceImport calls selectMappedSubject on
    // it); a weighted draw that chose no destination delivers nothing.
    std::string mapped;
    std::string_view to = hop.subject;
    if (auto chosen = hop.target->map_subject(hop.subject)) [[unlikely]] {
        mapped = std::move(*chosen);
        to = mapped;
    }

    // A deliver-subject publish goes on routed by the mapped subject and still
    // shows its own (nats-server keeps pa.deliver through processServiceImport).
    RoutedMessage out{to, reply, header_view, message.payload};
    if (message.rerouted()) {
        out.subject = message.subject;
        out.route_subject = to;
    }
    bool delivered = false;
    {
        FramePush frame(&out, &hop.export_id, parent);
        IoThread::RoutingScope scope(from);
        auto result = hop.target->sublist.match(to);
        delivered = deliver_to(*result, out, from, publisher, nullptr);
    }

    if (hop.response) {
        // A singleton answer, or the empty message that ends a chunked one, closes the mapping.
        const bool last = hop.response_type == ResponseType::singleton ||
                          (message.headers.empty() && message.payload.empty());
        std::lock_guard lock(responses_mutex_);
        if (!delivered || last) {
            remove_response_locked(hop.source.get(), hop.response_key);  // reported at the first response
        } else {
            auto table = reply_tables_.find(hop.source.get());
            if (table != reply_tables_.end() && table->second) {
                auto it = table->second->entries.find(hop.response_key);
                if (it != table->second->entries.end()) it->second.deadline = steady::now() + it->second.threshold;
            }
        }
    } else if (!delivered && !reply.empty() && !ack_reply) {
        // Nobody in the exporter took the request: nothing will answer it.
        std::shared_ptr<TrackedRequest> unanswered;
        {
            std::lock_guard lock(responses_mutex_);
            unanswered = remove_response_locked(hop.target.get(), reply);
        }
        if (unanswered) publish_latency(*unanswered, 503);
    }
    return delivered;
}

bool AccountImports::deliver_response(const Account& account, const RoutedMessage& message, IoThread& from,
                                      Client* publisher) {
    if (!has_responses_.load(std::memory_order_acquire)) return false;
    Hop hop;
    std::shared_ptr<TrackedRequest> tracked;
    {
        std::lock_guard lock(responses_mutex_);
        auto table = reply_tables_.find(&account);
        if (table == reply_tables_.end() || !table->second) return false;
        auto it = table->second->entries.find(std::string(message.route()));
        if (it == table->second->entries.end()) return false;
        ResponseEntry& e = it->second;
        tracked = std::move(e.tracked);  // only the first response is measured
        hop.target = e.target;
        hop.subject = e.target_reply;
        hop.response_type = e.type;
        hop.threshold = e.threshold;
        hop.export_id = e.export_id;
        hop.response_key = it->first;
        hop.source = table->second->owner;
    }
    if (!hop.target || !hop.source) return false;
    if (tracked) {
        // As nats-server, measured when the response reaches the import, before delivery.
        const auto responded = std::chrono::system_clock::now();
        nlohmann::json responder;
        std::chrono::nanoseconds responder_rtt{0};
        if (publisher) {
            const ConnectionInfo c = publisher->info();
            responder = client_info(c, c.account, true, server_.server_name());
            responder_rtt = c.rtt;
        }
        publish_latency(*tracked, 200, responder, responder_rtt, responded);
    }
    hop.response = true;
    return forward(hop, message, from, publisher);
}

std::shared_ptr<TrackedRequest> AccountImports::remove_response_locked(const Account* account,
                                                                      const std::string& reply) {
    auto table = reply_tables_.find(account);
    if (table == reply_tables_.end() || !table->second) return nullptr;
    auto it = table->second->entries.find(reply);
    if (it == table->second->entries.end()) return nullptr;
    std::shared_ptr<TrackedRequest> tracked = std::move(it->second.tracked);
    const Account* target = it->second.target.get();
    const std::string target_reply = it->second.target_reply;
    table->second->entries.erase(it);
    --response_count_;
    has_responses_.store(response_count_ > 0, std::memory_order_release);
    auto rev = reverse_.find(target);
    if (rev == reverse_.end()) return tracked;
    auto list = rev->second.find(target_reply);
    if (list == rev->second.end()) return tracked;
    std::erase_if(list->second, [&](const auto& p) { return p.first == account && p.second == reply; });
    if (list->second.empty()) rev->second.erase(list);
    if (rev->second.empty()) reverse_.erase(rev);
    return tracked;
}

void AccountImports::publish_latency(const TrackedRequest& request, int status, const nlohmann::json& responder,
                                     std::chrono::nanoseconds responder_rtt,
                                     std::chrono::system_clock::time_point responded) {
    if (!request.exporter) return;
    const std::string payload = latency_result(request, status, responder, responder_rtt, responded, event_id());
    server_.publish(request.exporter, RoutedMessage{request.results_subject, {}, {}, payload});
}

// nats-server's checkForReverseEntry: once nobody in the requester's account
// listens on a reply subject any more, its pending response mappings go.
void AccountImports::drop_lost_interest(const Account& account, const std::string& subject) {
    std::vector<std::string> candidates;
    {
        std::lock_guard lock(responses_mutex_);
        auto rev = reverse_.find(&account);
        if (rev == reverse_.end()) return;
        if (!accounts::has_wildcard(subject)) {
            if (rev->second.count(subject)) candidates.push_back(subject);
        } else {
            for (const auto& [reply, list] : rev->second)
                if (accounts::is_subset_match(reply, subject)) candidates.push_back(reply);
        }
    }
    if (candidates.empty()) return;
    AccountPtr owner = server_.find_account(account.name);
    if (!owner) return;
    std::vector<std::string> gone;
    for (const auto& reply : candidates)
        if (owner->sublist.match(reply)->empty()) gone.push_back(reply);
    std::vector<std::shared_ptr<TrackedRequest>> abandoned;
    {
        std::lock_guard lock(responses_mutex_);
        for (const auto& reply : gone) {
            auto rev = reverse_.find(&account);
            if (rev == reverse_.end()) break;
            auto list = rev->second.find(reply);
            if (list == rev->second.end()) continue;
            const auto mappings = list->second;
            for (const auto& [owner, key] : mappings)
                if (auto tracked = remove_response_locked(owner, key)) abandoned.push_back(std::move(tracked));
        }
    }
    for (const auto& tracked : abandoned) publish_latency(*tracked, 408);
}

std::size_t AccountImports::pending_responses() const {
    std::lock_guard lock(responses_mutex_);
    return response_count_;
}

// ---- response threshold ----

void AccountImports::arm_sweep() {
    if (sweep_armed_.exchange(true) || server_.thread_count() == 0) return;
    std::weak_ptr<AccountImports> weak = weak_from_this();
    IoThread& home = server_.thread(0);
    asio::post(home.context(), [weak, &home] {
        auto self = weak.lock();
        if (!self) return;
        if (!self->sweep_timer_) self->sweep_timer_ = std::make_unique<asio::steady_timer>(home.context());
        std::chrono::milliseconds interval;
        {
            std::lock_guard lock(self->responses_mutex_);
            interval = self->sweep_interval_;
        }
        self->sweep_timer_->expires_after(interval);
        self->sweep_timer_->async_wait([weak, &home](const asio::error_code& ec) {
            auto me = weak.lock();
            if (!me) return;
            me->sweep_armed_ = false;
            if (ec) return;
            me->sweep();
            home.end_batch();  // latency results the sweep published go out now
        });
    });
}

void AccountImports::sweep() {
    const auto now = steady::now();
    bool remaining = false;
    std::vector<std::shared_ptr<TrackedRequest>> timed_out;
    {
        std::lock_guard lock(responses_mutex_);
        std::vector<std::pair<const Account*, std::string>> expired;
        for (const auto& [account, table] : reply_tables_) {
            if (!table) continue;
            for (const auto& [reply, entry] : table->entries)
                if (entry.deadline <= now) expired.emplace_back(account, reply);
        }
        for (const auto& [account, reply] : expired)
            if (auto tracked = remove_response_locked(account, reply)) timed_out.push_back(std::move(tracked));
        remaining = response_count_ > 0;
    }
    for (const auto& tracked : timed_out) publish_latency(*tracked, 504);
    if (remaining) arm_sweep();
}

}  // namespace nats::server
