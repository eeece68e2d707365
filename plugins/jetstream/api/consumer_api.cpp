// CONSUMER.CREATE|DURABLE.CREATE|INFO|DELETE|NAMES|LIST|LEADER.STEPDOWN, as nats-server
// 2.9.10's jsConsumer*Request handlers answer them on a single server
// (server/jetstream_api.go). CONSUMER.MSG.NEXT is not here: it goes straight to the
// consumer (JetStreamCore::handle_pull), as nats-server's per-consumer subscription.

#include <algorithm>
#include <chrono>

#include <nats_sdk/subject.hpp>

#include "api/api_router.hpp"
#include "api/go_decode.hpp"
#include "consumer/consumer.hpp"
#include "jetstream_core.hpp"

namespace nmk::jetstream {

namespace {

using nlohmann::ordered_json;

constexpr int names_limit = 1024;  // JSApiNamesLimit
constexpr int list_limit = 256;    // JSApiListLimit

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// tokenAt(subject, n): the n-th token, 1-based; empty past the end.
std::string_view token_at(std::string_view subject, int n) {
    int i = 1;
    std::size_t start = 0;
    for (std::size_t at = 0; at <= subject.size(); ++at) {
        if (at == subject.size() || subject[at] == '.') {
            if (i == n) return subject.substr(start, at - start);
            ++i;
            start = at + 1;
        }
    }
    return {};
}

int num_tokens(std::string_view subject) {
    if (subject.empty()) return 0;
    return static_cast<int>(std::count(subject.begin(), subject.end(), '.')) + 1;
}

void paged_empty(nats_sdk::GoJsonWriter& w) {
    w.field("total", 0).field("offset", 0).field("limit", 0).key("consumers").begin_array().end_array();
}

void write_info_response(const ApiRequest& r, Consumer& consumer) {
    auto w = r.begin_response();
    consumer.write_info_members(w, now_ns());
    w.end_object();
    r.send(w.take(), false);
}

enum class CreateKind { legacy_ephemeral, legacy_durable, named };

}  // namespace

void handle_consumer_create(const ApiRequest& r) {
    auto doc = ordered_json::parse(r.payload, nullptr, false);
    if (doc.is_discarded()) return r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
    std::string stream_in_request;
    ConsumerConfig config;
    try {
        go_decode::members(doc, "request", [&](std::string_view key, const ordered_json& v) {
            if (key == "stream_name") stream_in_request = go_decode::text(v, key);
            else if (key == "config") config = consumer_config_from_json(v);
        });
    } catch (const std::exception&) {
        return r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
    }

    const int n = num_tokens(r.subject);
    if (n < 5) return;
    CreateKind kind = CreateKind::named;
    std::string stream_name, consumer_name, filter;
    if (n == 5) {
        kind = CreateKind::legacy_ephemeral;
        stream_name = token_at(r.subject, 5);
    } else if (token_at(r.subject, 4) == "DURABLE") {
        kind = CreateKind::legacy_durable;
        if (n != 7) return r.send_error(ApiError::of(ErrorId::JSConsumerDurableNameNotInSubject));
        stream_name = token_at(r.subject, 6);
        consumer_name = token_at(r.subject, 7);
    } else {
        stream_name = token_at(r.subject, 5);
        consumer_name = token_at(r.subject, 6);
        if (n > 7) {
            // Everything after the consumer's name is the filter (it may hold dots).
            std::size_t at = 0;
            for (int dots = 0; dots < 6; ++dots) at = r.subject.find('.', at) + 1;
            filter = r.subject.substr(at);
        }
    }
    if (stream_name != stream_in_request) return r.send_error(ApiError::of(ErrorId::JSStreamMismatch));
    if (!consumer_name.empty() && consumer_name.find_first_of("\\/") != std::string::npos)
        return r.send_error(ApiError::of(ErrorId::JSConsumerNameContainsPathSeparators));
    if (kind == CreateKind::legacy_durable) {
        if (config.durable.empty()) return r.send_error(ApiError::of(ErrorId::JSConsumerDurableNameNotSet));
        if (consumer_name != config.durable) return r.send_error(ApiError::of(ErrorId::JSConsumerDurableNameNotMatchSubject));
    }
    if (kind == CreateKind::named) {
        if (!config.durable.empty() && consumer_name != config.durable)
            return r.send_error(ApiError::of(ErrorId::JSConsumerDurableNameNotMatchSubject));
        config.name = consumer_name;
    }
    if (kind == CreateKind::legacy_ephemeral && !config.durable.empty())
        return r.send_error(ApiError::of(ErrorId::JSConsumerEphemeralWithDurableName));
    if (!filter.empty() && config.filter_subject != filter)
        return r.send_error(ApiError::of(ErrorId::JSConsumerCreateFilterSubjectMismatch));
    if (config.replicas > 1) return r.send_error(ApiError::of(ErrorId::JSStreamReplicasNotSupported));

    Stream* stream = r.account.find(stream_name);
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    auto result = r.core.add_consumer(r.account, *stream, std::move(config), now_ns());
    if (auto* error = std::get_if<ApiError>(&result)) return r.send_error(*error);
    write_info_response(r, *std::get<Consumer*>(result));
}

void handle_consumer_info(const ApiRequest& r) {
    if (!is_empty_request(r.payload)) return r.send_error(ApiError::of(ErrorId::JSNotEmptyRequest));
    Stream* stream = r.account.find(std::string(token_at(r.subject, 5)));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    Consumer* consumer = stream->find_consumer(std::string(token_at(r.subject, 6)));
    if (consumer == nullptr) return r.send_error(ApiError::of(ErrorId::JSConsumerNotFound));
    write_info_response(r, *consumer);
}

void handle_consumer_delete(const ApiRequest& r) {
    if (!is_empty_request(r.payload)) return r.send_error(ApiError::of(ErrorId::JSNotEmptyRequest));
    Stream* stream = r.account.find(std::string(token_at(r.subject, 5)));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    const std::string name(token_at(r.subject, 6));
    if (stream->find_consumer(name) == nullptr) return r.send_error(ApiError::of(ErrorId::JSConsumerNotFound));
    r.core.delete_consumer(r.account, *stream, name, true);
    auto w = r.begin_response();
    w.field("success", true).end_object();
    r.send(w.take(), false);
}

namespace {

// The offset of a NAMES or LIST request; false after answering an error.
bool read_offset(const ApiRequest& r, int& offset) {
    if (is_empty_request(r.payload)) return true;
    auto doc = ordered_json::parse(r.payload, nullptr, false);
    if (doc.is_discarded()) {
        r.send_error(ApiError::of(ErrorId::JSInvalidJSON), paged_empty);
        return false;
    }
    try {
        go_decode::members(doc, "request", [&](std::string_view key, const ordered_json& v) {
            if (key == "offset") offset = static_cast<int>(go_decode::signed_int(v, key, 64));
        });
    } catch (const std::exception&) {
        r.send_error(ApiError::of(ErrorId::JSInvalidJSON), paged_empty);
        return false;
    }
    return true;
}

// NAMES and LIST share their preamble and paging; `limit` and the writer differ.
template <class WriteOne>
void answer_paged(const ApiRequest& r, int limit, WriteOne&& write_one) {
    int offset = 0;
    if (!read_offset(r, offset)) return;
    Stream* stream = r.account.find(std::string(token_at(r.subject, 5)));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound), paged_empty);
    std::vector<Consumer*> consumers;  // sorted by name: the stream's map is
    for (auto& [name, consumer] : stream->consumers()) {
        if (!consumer->config().direct) consumers.push_back(consumer.get());
    }
    const int total = static_cast<int>(consumers.size());
    offset = std::clamp(offset, 0, total);
    auto w = r.begin_response();
    w.field("total", total).field("offset", offset).field("limit", limit).key("consumers").begin_array();
    for (int i = offset; i < total && i - offset < limit; ++i) write_one(w, *consumers[i]);
    w.end_array().end_object();
    r.send(w.take(), false);
}

}  // namespace

void handle_consumer_names(const ApiRequest& r) {
    answer_paged(r, names_limit, [](nats_sdk::GoJsonWriter& w, Consumer& c) { w.value(c.name()); });
}

void handle_consumer_list(const ApiRequest& r) {
    const std::int64_t now = now_ns();
    answer_paged(r, list_limit, [now](nats_sdk::GoJsonWriter& w, Consumer& c) {
        w.begin_object();
        c.write_info_members(w, now);
        w.end_object();
    });
}

void handle_consumer_stepdown(const ApiRequest& r) { r.send_error(ApiError::of(ErrorId::JSClusterRequired)); }

}  // namespace nmk::jetstream
