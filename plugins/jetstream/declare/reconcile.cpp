#include "declare/reconcile.hpp"

#include <chrono>

#include "api/advisories.hpp"
#include "api/stream_ops.hpp"
#include "consumer/consumer.hpp"
#include "jetstream_core.hpp"

namespace nmk::jetstream {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string label(const std::string& kind, const std::string& account, const std::string& name, const std::string& where) {
    return "JetStream: declared " + kind + " '" + account + " > " + name + "' (" + where + ")";
}

void reconcile_stream(JetStreamCore& core, const DeclaredStream& s, std::vector<ReconcileLine>& out) {
    const std::string what = label("stream", s.account, s.config.name, s.where);
    JsAccount* account = core.account(s.account);
    if (account == nullptr) {
        out.push_back({3, what + ": account '" + s.account + "' has no JetStream"});
        return;
    }
    if (account->find(s.config.name) == nullptr) {
        const StreamOpResult r = create_stream(core, *account, s.config);
        if (r.error) {
            out.push_back({3, what + " cannot be created: " + r.error->description});
        } else if (r.changed) {
            out.push_back({2, what + " created"});
            send_stream_action(core, s.account, s.config.name, StreamAction::create);
        }
        return;
    }
    const StreamOpResult r = update_stream(core, *account, s.config);
    if (r.error) {
        out.push_back({3, what + " cannot be updated, it keeps its current config: " + r.error->description});
    } else if (r.changed) {
        out.push_back({2, what + " updated"});
        send_stream_action(core, s.account, s.config.name, StreamAction::modify);
    }
}

void reconcile_consumer(JetStreamCore& core, const DeclaredConsumer& c, std::vector<ReconcileLine>& out) {
    const std::string what = label("consumer", c.account, c.stream + " > " + c.config.durable, c.where);
    JsAccount* account = core.account(c.account);
    Stream* stream = account ? account->find(c.stream) : nullptr;
    if (stream == nullptr) {
        out.push_back({3, what + ": stream '" + c.stream + "' not found"});
        return;
    }
    const Consumer* existing = stream->find_consumer(c.config.durable);
    const std::optional<ConsumerConfig> before =
        existing ? std::optional<ConsumerConfig>(existing->config()) : std::nullopt;
    auto result = core.add_consumer(*account, *stream, c.config, now_ns());
    if (auto* e = std::get_if<ApiError>(&result)) {
        out.push_back({3, what + (before ? " cannot be updated, it keeps its current config: " : " cannot be created: ") +
                              e->description});
        return;
    }
    const Consumer* now = std::get<Consumer*>(result);
    if (!before) out.push_back({2, what + " created"});
    else if (!(*before == now->config())) out.push_back({2, what + " updated"});
}

}  // namespace

std::vector<ReconcileLine> reconcile_declared(JetStreamCore& core, const DeclaredAssets& assets) {
    std::vector<ReconcileLine> out;
    // Streams first: consumers (and mirrors, sources) may name them.
    for (const auto& s : assets.streams) reconcile_stream(core, s, out);
    for (const auto& c : assets.consumers) reconcile_consumer(core, c, out);
    return out;
}

}  // namespace nmk::jetstream
