// $SYS request options: Go's encoding/json rules (case-insensitive keys, null
// leaves the zero value, the first type error wins) mapped to the monitoring
// pages' query options.
#include "plugins/system_account/request_options.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <nlohmann/json.hpp>

#include <nats_sdk/go_query.hpp>

namespace nats::system_account {

namespace {

using json = nlohmann::ordered_json;  // Go decodes members in document order

bool same_folded(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// How Go names a JSON value that does not fit: "string", "number 1.5", "bool", ...
std::string json_kind(const json& v, const std::string& literal) {
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "bool";
    if (v.is_array()) return "array";
    if (v.is_object()) return "object";
    return "number " + literal;
}

std::string_view go_type(OptionType t) {
    switch (t) {
        case OptionType::boolean: return "bool";
        case OptionType::integer: return "int";
        case OptionType::unsigned64: return "uint64";
        case OptionType::text: return "string";
        case OptionType::connection_state: return "server.ConnState";
        case OptionType::text_list: return "[]string";
    }
    return "";
}

struct TypeError {
    std::string text;
};

// Go names the number itself only when an integer field could not take it ("number 1.5").
[[noreturn]] void type_error(const json& v, std::string_view go_struct, std::string_view key, std::string_view type) {
    const bool integer_field = type == "int" || type == "uint64" || type == "server.ConnState";
    std::string what = v.is_number() && !integer_field ? std::string("number") : json_kind(v, v.dump());
    throw TypeError{"json: cannot unmarshal " + what + " into Go struct field " + std::string(go_struct) + "." +
                    std::string(key) + " of type " + std::string(type)};
}

// Go accepts for an int only numbers without fraction or exponent that fit.
bool integral(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

void add(std::string& query, std::string_view key, std::string_view value) {
    if (key.empty()) return;
    if (!query.empty()) query += '&';
    query += key;
    query += '=';
    query += nats_sdk::go_query_escape(value);
}

// One option's value: type-checked as Go would, then passed on as query text.
void read_option(const json& v, const OptionSpec& spec, std::string_view go_struct, DecodedRequest& out) {
    if (v.is_null()) return;
    switch (spec.type) {
        case OptionType::boolean:
            if (!v.is_boolean()) type_error(v, go_struct, spec.json_key, go_type(spec.type));
            if (v.get<bool>()) add(out.query, spec.query_key, spec.true_text);
            return;
        case OptionType::integer:
            if (!v.is_number() || !integral(v)) type_error(v, go_struct, spec.json_key, go_type(spec.type));
            if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
                type_error(v, go_struct, spec.json_key, go_type(spec.type));
            add(out.query, spec.query_key, std::to_string(v.get<std::int64_t>()));
            return;
        case OptionType::unsigned64:
            if (!v.is_number() || !integral(v) || (v.is_number_integer() && v.get<std::int64_t>() < 0))
                type_error(v, go_struct, spec.json_key, go_type(spec.type));
            add(out.query, spec.query_key, std::to_string(v.get<std::uint64_t>()));
            return;
        case OptionType::text:
            if (!v.is_string()) type_error(v, go_struct, spec.json_key, go_type(spec.type));
            if (!v.get<std::string>().empty()) add(out.query, spec.query_key, v.get<std::string>());
            return;
        case OptionType::connection_state: {
            if (!v.is_number() || !integral(v)) type_error(v, go_struct, spec.json_key, go_type(spec.type));
            // ConnState: 0 open, 1 closed, 2 all; other values are open (Connz's default).
            const auto state = v.get<std::int64_t>();
            add(out.query, spec.query_key, state == 1 ? "closed" : state == 2 ? "all" : "open");
            return;
        }
        case OptionType::text_list:
            if (!v.is_array()) type_error(v, go_struct, spec.json_key, go_type(spec.type));
            for (const auto& item : v) {
                if (item.is_null()) continue;
                if (!item.is_string()) type_error(item, go_struct, spec.json_key, "string");
                add(out.query, spec.query_key, item.get<std::string>());
            }
            return;
    }
}

void read_filter(const json& v, std::string_view key, std::string_view go_struct, EventFilter& filter) {
    if (v.is_null()) return;
    auto text = [&](std::string& into) {
        if (!v.is_string()) type_error(v, go_struct, key, "string");
        into = v.get<std::string>();
    };
    if (key == "server_name") text(filter.server_name);
    else if (key == "cluster") text(filter.cluster);
    else if (key == "host") text(filter.host);
    else if (key == "domain") text(filter.domain);
    else if (key == "tags") {
        if (!v.is_array()) type_error(v, go_struct, key, "[]string");
        filter.tags.clear();
        for (const auto& t : v) {
            if (t.is_null()) {
                filter.tags.emplace_back();
                continue;
            }
            if (!t.is_string()) type_error(t, go_struct, key, "string");
            filter.tags.push_back(t.get<std::string>());
        }
    }
}

constexpr std::string_view filter_keys[] = {"server_name", "cluster", "host", "tags", "domain"};

}  // namespace

DecodedRequest decode_request(std::string_view body, const EndpointOptions& endpoint) {
    DecodedRequest out;
    if (body.empty()) return out;
    const json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded()) {
        out.error = go_json_syntax_error(body);
        return out;
    }
    if (!doc.is_object()) {
        // Go: "json: cannot unmarshal array into Go value of type server.ConnzEventOptions".
        if (!doc.is_null())
            out.error = "json: cannot unmarshal " + json_kind(doc, doc.dump()) + " into Go value of type server." +
                        std::string(endpoint.go_struct);
        return out;
    }
    try {
        // Go walks the document in order; a later duplicate key overwrites an earlier one.
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            const std::string& key = it.key();
            bool handled = false;
            for (const auto& spec : endpoint.options) {
                if (!same_folded(key, spec.json_key)) continue;
                read_option(*it, spec, endpoint.go_struct, out);
                handled = true;
                break;
            }
            if (handled) continue;
            for (std::string_view filter_key : filter_keys)
                if (same_folded(key, filter_key)) read_filter(*it, filter_key, endpoint.go_struct, out.filter);
        }
    } catch (const TypeError& e) {
        out.error = e.text;
    }
    return out;
}

bool filtered_out(const EventFilter& filter, const ServerIdentity& self) {
    if (!filter.server_name.empty() && self.name.find(filter.server_name) == std::string::npos) return true;
    if (!filter.host.empty() && self.host.find(filter.host) == std::string::npos) return true;
    if (!filter.cluster.empty() && self.cluster.find(filter.cluster) == std::string::npos) return true;
    for (const auto& tag : filter.tags)
        if (std::find(self.tags.begin(), self.tags.end(), tag) == self.tags.end()) return true;
    if (!filter.domain.empty() && self.domain != filter.domain) return true;
    return false;
}

}  // namespace nats::system_account
