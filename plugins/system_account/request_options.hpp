#pragma once
// The JSON options of a $SYS.REQ request, read the way nats-server's zReq reads
// them (encoding/json into e.g. ConnzEventOptions): the monitoring options become
// the query string of the same page on the HTTP port, the event filter options
// (server_name, cluster, host, tags, domain) say whether this server answers at all.
// A body that does not decode gets Go's error text, for the 400 answer:
//   invalid character 'x' looking for beginning of value
//   json: cannot unmarshal string into Go struct field ConnzEventOptions.limit of type int
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nats::system_account {

// One option of a request: its JSON key, Go type and the query key of the page.
enum class OptionType { boolean, integer, unsigned64, text, connection_state, text_list };
struct OptionSpec {
    std::string_view json_key;
    OptionType type;
    std::string_view query_key;  // empty: decoded (type-checked) but not passed on
    std::string_view true_text = "true";  // a boolean's query value when true ("detail")
};

// The options an endpoint takes: its Go struct name (for error texts) and fields.
struct EndpointOptions {
    std::string_view go_struct;  // "ConnzEventOptions"
    std::vector<OptionSpec> options;
};

struct EventFilter {
    std::string server_name, cluster, host, domain;
    std::vector<std::string> tags;
};

struct DecodedRequest {
    std::string query;  // for the monitoring page, e.g. "sort=cid&limit=5"
    EventFilter filter;
    std::optional<std::string> error;  // Go's decoding error: answer 400 with it
};

// An empty body is no options at all (nats-server checks len(msg) == 0: a blank body
// is a decoding error).
DecodedRequest decode_request(std::string_view body, const EndpointOptions& endpoint);

// What this server is, for the filter.
struct ServerIdentity {
    std::string name, host, cluster, domain;
    std::vector<std::string> tags;
};
// nats-server's filterRequest: true when the request is not for this server.
bool filtered_out(const EventFilter& filter, const ServerIdentity& self);

// Go's encoding/json syntax error text for `body` (which nlohmann refused).
std::string go_json_syntax_error(std::string_view body);

}  // namespace nats::system_account
