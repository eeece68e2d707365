// JetStreamCore's consumer side: creating and deleting consumers (nats-server's
// addConsumerWithAssignment and stopWithFlags), routing acks, pull requests, flow
// control and interest to them, delivery turns, timers and persistence.

#include <chrono>
#include <random>
#include <tuple>
#include <vector>

#include <nats_sdk/subject.hpp>

#include "api/advisories.hpp"
#include "consumer/consumer_bridge.hpp"
#include "consumer/consumer_text.hpp"
#include "stream/stream_json.hpp"

#include <nlohmann/json.hpp>

namespace nmk::jetstream {

namespace {

constexpr int delivery_budget = 256;              // messages per consumer per turn, then the next turn
constexpr std::int64_t default_inactive_ns = 5'000'000'000;  // JsDeleteWaitTimeDefault
constexpr std::size_t max_name = 255;             // JSMaxNameLen
// Consumer states are written at most this often (a kill -9 keeps what was written; what
// a crash loses since is redelivered: at least once).
constexpr std::int64_t persist_delay_ns = 50'000'000;

std::int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void consumer_action(JetStreamCore& core, const std::string& account, const std::string& stream, const std::string& name,
                     std::string_view action) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object()
        .field("type", "io.nats.jetstream.advisory.v1.consumer_action")
        .field("id", next_event_id())
        .field("timestamp", go_time_text(unix_now_ns()))
        .field("stream", stream)
        .field("consumer", name)
        .field("action", action);
    if (!core.settings().domain.empty()) w.field("domain", core.settings().domain);
    w.end_object();
    const std::string subject = std::string(action == "create" ? "$JS.EVENT.ADVISORY.CONSUMER.CREATED."
                                                               : "$JS.EVENT.ADVISORY.CONSUMER.DELETED.") +
                                stream + "." + name;
    core.bus().publish(account, subject, {}, w.take());
}

// What a store keeps for a consumer besides its state: its config and creation time.
std::string consumer_meta_json(const Consumer& c) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object().key("config");
    write_consumer_config(w, c.config());
    w.field("name", c.name()).field("created_ns", c.created_ns()).end_object();
    return w.take();
}

}  // namespace

JetStreamCore::ConsumerBridge& JetStreamCore::bridge_for(const std::string& account) {
    auto& slot = bridges_[account];
    if (!slot) slot = std::make_unique<ConsumerBridge>(bus_, account, settings_.domain, settings_.max_payload);
    return *slot;
}

std::variant<Consumer*, ApiError> JetStreamCore::add_consumer(JsAccount& account, Stream& stream, ConsumerConfig config,
                                                             std::int64_t now_ns) {
    ConsumerLimits limits;
    limits.account_max_ack_pending = std::max<std::int64_t>(account.limits().max_ack_pending, 0);
    set_consumer_defaults(config, limits);
    if (auto error = check_consumer_config(config, stream.config(), limits)) return *error;

    std::string name = config.is_durable() ? config.durable : config.name;
    if (!name.empty()) {
        if (Consumer* existing = stream.find_consumer(name)) {
            const bool in_use = existing->is_push() && bus_.has_interest(account.name(), existing->config().deliver_subject);
            ConsumerConfig requested = config;
            // Stamped at creation (updateInactiveThreshold): not a change the client asked for.
            if (!requested.is_durable() && requested.inactive_threshold_ns <= 0)
                requested.inactive_threshold_ns = existing->config().inactive_threshold_ns;
            if (auto error = check_consumer_update(existing->config(), requested, in_use)) return *error;
            if (!(existing->config() == requested)) {
                const bool subject_changed = requested.deliver_subject != existing->config().deliver_subject;
                existing->update(std::move(requested));
                if (subject_changed) {
                    bus_.detach_consumer(account.name(), stream.name(), name);
                    bus_.attach_consumer(account.name(), stream.name(), name, existing->config().deliver_subject);
                }
                persist(stream, *existing, true);
                settle(account, stream, *existing, now_ns);
            }
            return existing;
        }
    }

    // The stream's limit, or the account's when that is tighter (or the stream has none).
    std::int64_t max_consumers = stream.config().max_consumers;
    if (max_consumers <= 0 || (account.limits().max_consumers > 0 && account.limits().max_consumers < max_consumers))
        max_consumers = account.limits().max_consumers;
    if (max_consumers > 0 && static_cast<std::int64_t>(stream.public_consumer_count()) >= max_consumers)
        return ApiError::of(ErrorId::JSMaximumConsumersLimit);

    if (stream.config().retention == Retention::workqueue && !config.direct) {
        if (config.ack_policy != AckPolicy::explicit_ack) return ApiError::of(ErrorId::JSConsumerWQRequiresExplicitAck);
        if (!stream.consumers().empty()) {
            if (config.filter_subject.empty()) return ApiError::of(ErrorId::JSConsumerWQMultipleUnfiltered);
            for (const auto& [other_name, other] : stream.consumers()) {
                const auto& f = other->config().filter_subject;
                if (f.empty() || nats_sdk::subject::is_subset_match(config.filter_subject, f) ||
                    nats_sdk::subject::is_subset_match(f, config.filter_subject))
                    return ApiError::of(ErrorId::JSConsumerWQConsumerNotUnique);
            }
        }
        if (config.deliver_policy != DeliverPolicy::all) return ApiError::of(ErrorId::JSConsumerWQConsumerNotDeliverAll);
    }

    if (config.is_durable()) {
        if (config.durable.size() > max_name) return ApiError::with(ErrorId::JSConsumerNameTooLong, std::to_string(max_name));
        name = config.durable;
    } else if (config.name.empty()) {
        do {
            name = random_token(8);  // createConsumerName
        } while (stream.find_consumer(name) != nullptr);
        // The answer names it; its config stays without a name, as nats-server's does.
    }
    if (!is_valid_stream_name(name)) return ApiError::of(ErrorId::JSConsumerBadDurableName);
    // Ephemerals always go away once unused (updateInactiveThreshold stamps the default).
    if (!config.is_durable() && config.inactive_threshold_ns <= 0) config.inactive_threshold_ns = default_inactive_ns;

    auto consumer = std::make_unique<Consumer>(bridge_for(account.name()), stream, name, std::move(config), now_ns);
    consumer->select_start();
    if (consumer->is_push()) consumer->on_interest(bus_.has_interest(account.name(), consumer->config().deliver_subject), now_ns);
    Consumer& c = *consumer;
    stream.consumers()[name] = std::move(consumer);
    bus_.attach_consumer(account.name(), stream.name(), name, c.config().deliver_subject);
    persist(stream, c, true);
    consumer_action(*this, account.name(), stream.name(), name, "create");
    settle(account, stream, c, now_ns);
    return &c;
}

void JetStreamCore::delete_consumer(JsAccount& account, Stream& stream, const std::string& name, bool advisory) {
    auto it = stream.consumers().find(name);
    if (it == stream.consumers().end()) return;
    std::unique_ptr<Consumer> gone = std::move(it->second);
    stream.consumers().erase(it);
    bus_.detach_consumer(account.name(), stream.name(), name);
    if (advisory) consumer_action(*this, account.name(), stream.name(), name, "delete");
    gone->release_waiting();
    stream.consumer_removed(*gone);
    if (keeps_consumers(stream)) {
        try {
            stream.store().consumer_delete(name);
        } catch (const nats_sdk::store::StoreError& e) {
            bus_.log(3, "JetStream: consumer '" + account.name() + " > " + stream.name() + " > " + name +
                            "' not removed from the store: " + e.what());
        }
    }
}

void JetStreamCore::handle_ack(const std::string& account_name, const std::string& stream_name, const std::string& name,
                               std::string_view subject, std::string_view reply, std::string_view payload) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    Consumer* consumer = stream ? stream->find_consumer(name) : nullptr;
    if (consumer == nullptr) return;
    const std::int64_t now = unix_now_ns();
    // An ack with a reply subject (the clients' AckSync, "double ack") is answered only once
    // the consumer's new state is on disk: the state is written now and the answer sent when
    // the store's next sync completes, so a confirmed ack is never undone by a crash
    // (nats-server answers at once and writes the state later). Acks without a reply keep
    // the 50 ms state writer.
    const bool confirm = !reply.empty() && keeps_consumers(*stream) && !consumer->config().direct &&
                         (payload.empty() || payload == "+ACK" || payload == "+OK" || payload.substr(0, 4) == "-NAK" ||
                          payload == "+TERM");
    consumer->on_ack(subject, confirm ? std::string_view() : reply, payload, now);
    if (confirm) {
        if (consumer->take_dirty()) persist(*stream, *consumer, false);
        stream->store().sync([bus = &bus_, account = account_name, to = std::string(reply)](nmk_store_status status,
                                                                                          std::string_view) {
            if (status == NMK_STORE_OK) {
                std::vector<DurableOutput> ack{DurableOutput{to, {}, {}}};
                bus->publish_all(account, ack);
            }
        });
    }
    settle(*account, *stream, *consumer, now);
}

void JetStreamCore::handle_flow_control(const std::string& account_name, const std::string& stream_name,
                                        const std::string& name, std::string_view subject) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    Consumer* consumer = stream ? stream->find_consumer(name) : nullptr;
    if (consumer == nullptr) return;
    consumer->on_flow_control_reply(subject);
    settle(*account, *stream, *consumer, unix_now_ns());
}

void JetStreamCore::handle_pull(const std::string& account_name, std::string_view subject, std::string_view reply,
                                std::string_view payload) {
    // $JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>
    constexpr std::string_view prefix = "$JS.API.CONSUMER.MSG.NEXT.";
    if (reply.empty() || subject.substr(0, prefix.size()) != prefix) return;
    const std::string_view rest = subject.substr(prefix.size());
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos || rest.find('.', dot + 1) != std::string_view::npos) return;
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(std::string(rest.substr(0, dot))) : nullptr;
    Consumer* consumer = stream ? stream->find_consumer(std::string(rest.substr(dot + 1))) : nullptr;
    if (consumer == nullptr) return;
    const std::int64_t now = unix_now_ns();
    consumer->on_pull_request(reply, payload, now);
    settle(*account, *stream, *consumer, now);
}

void JetStreamCore::handle_interest(const std::string& account_name, const std::string& stream_name, const std::string& name,
                                    bool active) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    Consumer* consumer = stream ? stream->find_consumer(name) : nullptr;
    if (consumer == nullptr) return;
    const std::int64_t now = unix_now_ns();
    consumer->on_interest(active, now);
    settle(*account, *stream, *consumer, now);
}

void JetStreamCore::deliver_stream(const std::string& account_name, const std::string& stream_name) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    if (stream == nullptr) return;
    deliver_consumers(*account, *stream, unix_now_ns());
}

void JetStreamCore::deliver_consumers(JsAccount& account, Stream& stream, std::int64_t now_ns) {
    // Copy the names: a delivery can end in a consumer's removal (none today, but
    // iterate safely).
    for (auto& [name, consumer] : stream.consumers()) settle(account, stream, *consumer, now_ns);
}

void JetStreamCore::settle(JsAccount& account, Stream& stream, Consumer& consumer, std::int64_t now_ns) {
    if (!inline_delivery_) bus_.kick(account.name(), stream.name());
    else if (consumer.deliver(now_ns, delivery_budget)) bus_.kick(account.name(), stream.name());
    if (consumer.dirty() && persist_due_ns_ == 0) {
        persist_due_ns_ = now_ns + persist_delay_ns;
        schedule(persist_due_ns_);
    }
    schedule(consumer.next_deadline());
}

void JetStreamCore::schedule(std::int64_t deadline_ns) {
    if (deadline_ns <= 0) return;
    if (wake_requested_ns_ != 0 && wake_requested_ns_ <= deadline_ns) return;
    wake_requested_ns_ = deadline_ns;
    bus_.wake_at(deadline_ns);
}

void JetStreamCore::run_timers(std::int64_t now_ns) {
    wake_requested_ns_ = 0;
    const bool persist_now = persist_due_ns_ != 0 && persist_due_ns_ <= now_ns;
    if (persist_now) persist_due_ns_ = 0;
    std::vector<std::tuple<JsAccount*, Stream*, std::string>> inactive;
    for (auto& [account_name, account] : accounts_) {
        for (auto& [stream_name, stream] : account->streams()) {
            for (auto& [name, consumer] : stream->consumers()) {
                const std::int64_t due = consumer->next_deadline();
                if (due != 0 && due <= now_ns) consumer->on_timer(now_ns);
                if (consumer->inactive(now_ns)) {
                    inactive.emplace_back(account.get(), stream.get(), name);
                    continue;
                }
                if (persist_now && consumer->take_dirty()) persist(*stream, *consumer, false);
                settle(*account, *stream, *consumer, now_ns);
            }
        }
    }
    for (auto& [account, stream, name] : inactive) delete_consumer(*account, *stream, name, true);
    if (persist_due_ns_ != 0) schedule(persist_due_ns_);
}

bool JetStreamCore::keeps_consumers(const Stream& stream) const {
    if (stream.backend() == "memory") return memory_backend_ && memory_backend_->supports_consumer_records();
    const auto it = file_backends_.find(stream.backend());
    return it != file_backends_.end() && it->second && it->second->supports_consumer_records();
}

void JetStreamCore::persist(Stream& stream, Consumer& consumer, bool with_config) {
    if (!keeps_consumers(stream)) return;  // a 1.0 backend: consumers live in memory only
    if (consumer.config().direct) return;   // a mirror's or source's: set up again after a restart
    try {
        const std::string state = encode_consumer_state(consumer.state());
        if (with_config || !stream.store().consumer_put_state(consumer.name(), state))
            stream.store().consumer_put(consumer.name(), consumer_meta_json(consumer), state);
    } catch (const nats_sdk::store::StoreError& e) {
        bus_.log(3, "JetStream: consumer '" + stream.account() + " > " + stream.name() + " > " + consumer.name() +
                        "' state not saved: " + e.what());
    }
}

void JetStreamCore::recover_consumers(JsAccount& account, Stream& stream) {
    if (!keeps_consumers(stream)) return;
    struct Found {
        std::string name, meta, state;
    };
    std::vector<Found> found;
    try {
        stream.store().consumer_list([&](const nats_sdk::store::ConsumerRecordView& r) {
            found.push_back({std::string(r.name), std::string(r.meta), std::string(r.state)});
        });
    } catch (const nats_sdk::store::StoreError& e) {
        bus_.log(4, "  Error listing consumers of stream '" + account.name() + " > " + stream.name() + "': " + e.what());
        return;
    }
    const std::int64_t now = unix_now_ns();
    for (auto& f : found) {
        try {
            const auto doc = nlohmann::ordered_json::parse(f.meta);
            ConsumerConfig config = consumer_config_from_json(doc.at("config"));
            const std::int64_t created = doc.value("created_ns", std::int64_t{0});
            auto consumer = std::make_unique<Consumer>(bridge_for(account.name()), stream, f.name, std::move(config), created);
            if (auto state = decode_consumer_state(f.state)) {
                consumer->restore(*state);
            } else {
                bus_.log(3, "  Consumer '" + account.name() + " > " + stream.name() + " > " + f.name +
                                "' has no readable state: it starts over from its deliver policy");
                consumer->select_start();
            }
            if (consumer->is_push()) consumer->on_interest(bus_.has_interest(account.name(), consumer->config().deliver_subject), now);
            Consumer& c = *consumer;
            stream.consumers()[f.name] = std::move(consumer);
            bus_.attach_consumer(account.name(), stream.name(), f.name, c.config().deliver_subject);
            schedule(c.next_deadline());
        } catch (const std::exception& e) {
            bus_.log(4, "  Error recreating consumer '" + account.name() + " > " + stream.name() + " > " + f.name + "': " + e.what());
        }
    }
    if (!found.empty())
        bus_.log(2, "  Restored " + std::to_string(stream.consumers().size()) + " consumers for stream '" + account.name() +
                        " > " + stream.name() + "'");
}

}  // namespace nmk::jetstream
