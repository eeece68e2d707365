// $JS.API.INFO: the account's usage and limits (jsAccountInfoRequest, JetStreamAccountStats).

#include "account/js_account.hpp"
#include "api/api_router.hpp"
#include "jetstream_core.hpp"

namespace nmk::jetstream {

void handle_account_info(const ApiRequest& r) {
    const JsAccount& a = r.account;
    const AccountLimits& l = a.limits();
    // The totals are read before this request is counted, as nats-server does.
    auto w = r.begin_response();
    w.field("memory", a.memory_bytes())
        .field("storage", a.store_bytes())
        .field("streams", a.streams().size())
        .field("consumers", r.account.consumer_count())
        .key("limits")
        .begin_object()
        .field("max_memory", l.max_memory)
        .field("max_storage", l.max_store)
        .field("max_streams", l.max_streams)
        .field("max_consumers", l.max_consumers)
        .field("max_ack_pending", l.max_ack_pending)
        .field("memory_max_stream_bytes", l.memory_max_stream_bytes)
        .field("storage_max_stream_bytes", l.store_max_stream_bytes)
        .field("max_bytes_required", l.max_bytes_required)
        .end_object();
    if (!r.core.settings().domain.empty()) w.field("domain", r.core.settings().domain);
    w.key("api").begin_object().field("total", a.api_total).field("errors", a.api_errors).end_object();
    w.end_object();
    r.send(w.take(), false);
}

}  // namespace nmk::jetstream
