#include <algorithm>
#include <cctype>

#include <nats_sdk/subject.hpp>

#include "plugins/monitoring/pages.hpp"
#include "plugins/monitoring/time_text.hpp"

namespace nats::monitoring {

namespace {

using nlohmann::ordered_json;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool valid_sort(std::string_view by) {
    for (std::string_view known : {"", "cid", "start", "subs", "pending", "msgs_to", "msgs_from", "bytes_to",
                                   "bytes_from", "last", "idle", "uptime", "stop", "reason"})
        if (by == known) return true;
    return false;
}

bool account_exists(const PageContext& page, const std::string& name) {
    const auto list = page.ask_json("accountz");
    if (!list || !list->contains("accounts")) return false;
    for (const auto& a : (*list)["accounts"])
        if (a.is_string() && a.get<std::string>() == name) return true;
    return false;
}

void add_arg(std::string& args, std::string_view key, std::string_view value) {
    if (!args.empty()) args += '&';
    args += key;
    args += '=';
    args += query_escape(value);
}

}  // namespace

HttpResponse varz_page(const PageContext& page) {
    auto v = page.ask_json("varz");
    if (!v) return kernel_failure("varz");
    ordered_json stats = ordered_json::object();
    for (const auto& [path, count] : page.request_stats()) stats[path] = count;  // sorted, as Go encodes maps
    (*v)["http_req_stats"] = std::move(stats);
    for (std::string_view section : varz_sections) {
        const auto extra = page.plugin_page("/varz/" + std::string(section));
        if (!extra || extra->status != 200) continue;
        const auto parsed = ordered_json::parse(extra->body, nullptr, false);
        if (!parsed.is_object()) continue;
        for (auto it = parsed.begin(); it != parsed.end(); ++it) (*v)[it.key()] = *it;
    }
    return page.json(*v);
}

HttpResponse connz_page(const PageContext& page) {
    const GoQuery& q = page.query();
    const std::string sort = q.get("sort");
    bool auth = false;
    if (auto e = decode_bool(q, "auth", auth)) return bad_request(*e);
    const bool subs_detail = lower(q.get("subs")) == "detail";
    bool subs = false;
    if (!subs_detail)
        if (auto e = decode_bool(q, "subs", subs)) return bad_request(*e);
    std::int64_t offset = 0, limit = 0;
    if (auto e = decode_int(q, "offset", offset)) return bad_request(*e);
    if (auto e = decode_int(q, "limit", limit)) return bad_request(*e);
    std::uint64_t cid = 0;
    if (auto e = decode_uint64(q, "cid", cid)) return bad_request(*e);
    const std::string state_text = q.get("state");
    std::string state = "open";
    if (!state_text.empty()) {
        const std::string s = lower(state_text);
        if (s == "closed") state = "closed";
        else if (s == "any" || s == "all") state = "all";
        else if (s != "open") return bad_request("Error decoding state for " + state_text);
    }
    if (!valid_sort(sort)) return bad_request("invalid sorting option: " + sort);
    if (sort == "stop" && state != "closed") return bad_request("sort by stop only valid on closed connections");
    if (sort == "reason" && state != "closed") return bad_request("sort by reason only valid on closed connections");
    const std::string user = q.get("user");
    const std::string acc = q.get("acc");

    if (offset < 0) offset = 0;
    if (limit <= 0) limit = 1024;
    if (!acc.empty() && !account_exists(page, acc)) {
        // nats-server stops before it has even filled in its id.
        ordered_json v;
        v["server_id"] = "";
        v["now"] = rfc3339_now();
        v["num_connections"] = 0;
        v["total"] = 0;
        v["offset"] = offset;
        v["limit"] = cid > 0 ? 1 : limit;
        v["connections"] = nullptr;
        return page.json(v);
    }

    std::string args;
    add_arg(args, "sort", sort);
    add_arg(args, "auth", auth ? "1" : "0");
    add_arg(args, "subs", subs_detail ? "detail" : subs ? "1" : "0");
    add_arg(args, "offset", std::to_string(offset));
    add_arg(args, "limit", std::to_string(limit));
    add_arg(args, "cid", std::to_string(cid));
    add_arg(args, "state", state);
    if (!user.empty()) add_arg(args, "user", user);
    if (!acc.empty()) add_arg(args, "acc", acc);
    // The kernel writes the page in nats-server's layout, identity as auth asks.
    const KernelAnswer answer = page.ask("connz", args);
    if (!answer.found || answer.status != 200) return kernel_failure("connz");
    return page.json_text(answer.body);
}

HttpResponse subsz_page(const PageContext& page) {
    const GoQuery& q = page.query();
    bool subs = false;
    if (auto e = decode_bool(q, "subs", subs)) return bad_request(*e);
    std::int64_t offset = 0, limit = 0;
    if (auto e = decode_int(q, "offset", offset)) return bad_request(*e);
    if (auto e = decode_int(q, "limit", limit)) return bad_request(*e);
    const std::string test = q.get("test");
    const std::string acc = q.get("acc");
    if (!test.empty() && !nats_sdk::subject::is_valid_literal_subject(test))
        return bad_request("invalid test subject, must be valid publish subject: " + test);
    std::string args;
    add_arg(args, "subs", subs ? "1" : "0");
    add_arg(args, "offset", std::to_string(offset));
    add_arg(args, "limit", std::to_string(limit));
    if (!test.empty()) add_arg(args, "test", test);
    if (!acc.empty()) add_arg(args, "acc", acc);
    const KernelAnswer answer = page.ask("subsz", args);
    if (!answer.found || answer.status != 200) return kernel_failure("subsz");
    return page.json_text(answer.body);
}

HttpResponse accountz_page(const PageContext& page) {
    const std::string acc = page.query().get("acc");
    std::string args;
    if (!acc.empty()) add_arg(args, "acc", acc);
    const KernelAnswer answer = page.ask("accountz", args);
    if (!answer.found && !acc.empty()) return bad_request("Account " + acc + " does not exist");
    if (answer.status == 400) return bad_request(answer.body);
    const auto v = nlohmann::ordered_json::parse(answer.body, nullptr, false);
    if (!answer.found || answer.status != 200 || !v.is_object()) return kernel_failure("accountz");
    return page.json(v);
}

HttpResponse accstatz_page(const PageContext& page) {
    bool unused = false;
    if (auto e = decode_bool(page.query(), "unused", unused)) return bad_request(*e);
    const auto v = page.ask_json("accstatz", unused ? "unused=1" : "unused=0");
    if (!v) return kernel_failure("accstatz");
    return page.json(*v);
}

}  // namespace nats::monitoring
