#include "kernel/accounts/subject_transform.hpp"

#include <charconv>
#include <map>
#include <regex>

#include "kernel/accounts/subject_tokens.hpp"

namespace nats::accounts {

namespace {

constexpr std::string_view mapping_error = "invalid mapping destination";

[[noreturn]] void fail(std::string_view reason, std::string_view token) {
    throw TransformError(std::string(mapping_error) + ": " + std::string(reason) + " in " + std::string(token));
}

// Go's strconv.Atoi: optional sign, decimal digits, nothing else.
std::optional<long long> go_atoi(std::string_view s) {
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    if (s.empty() || s[0] == '+') return std::nullopt;
    long long v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// The arguments of "{{name(args)}}" split on ",\s*", or nullopt when the token
// is not a call of `name` (nats-server's per-function regular expressions).
std::optional<std::vector<std::string>> call_arguments(const std::string& token, const char* name_pattern) {
    const std::regex re(std::string(R"(\{\{\s*)") + name_pattern + R"(\s*\((.*)\)\s*\}\})");
    std::smatch m;
    if (!std::regex_search(token, m, re)) return std::nullopt;
    std::vector<std::string> args;
    static const std::regex comma(R"(,\s*)");
    const std::string inner = m[1].str();
    std::sregex_token_iterator it(inner.begin(), inner.end(), comma, -1), end;
    for (; it != end; ++it) args.push_back(*it);
    if (args.empty()) args.emplace_back();  // Go's Split("") gives one empty string
    return args;
}

struct Placeholder {
    TransformKind kind = TransformKind::none;
    std::vector<int> wildcard_indexes;
    std::int32_t number = -1;
    std::string delimiter;
};

constexpr std::string_view not_enough = "not enough arguments passed to the function";
constexpr std::string_view too_many = "too many arguments passed to the function";
constexpr std::string_view invalid_argument = "function argument is invalid or in the wrong format";

int to_int(const std::string& arg, const std::string& token) {
    auto v = go_atoi(trim_spaces(arg));
    if (!v) fail(invalid_argument, token);
    return static_cast<int>(*v);
}

// Functions taking (wildcard index, integer).
Placeholder index_and_number(TransformKind kind, const std::vector<std::string>& args, const std::string& token) {
    if (args.size() < 2) fail(not_enough, token);
    if (args.size() > 2) fail(too_many, token);
    Placeholder p;
    p.kind = kind;
    p.wildcard_indexes = {to_int(args[0], token)};
    p.number = to_int(args[1], token);
    return p;
}

// nats-server's indexPlaceHolders.
Placeholder parse_placeholder(const std::string& token) {
    Placeholder p;
    const std::size_t n = token.size();
    if (n <= 1) return p;
    if (token[0] == '$') {
        // Tokens like "$foo" stay literal: other features use a leading '$'.
        auto v = go_atoi(std::string_view(token).substr(1));
        if (!v) return p;
        p.kind = TransformKind::wildcard;
        p.wildcard_indexes = {static_cast<int>(*v)};
        return p;
    }
    if (!(n > 4 && token[0] == '{' && token[1] == '{' && token[n - 2] == '}' && token[n - 1] == '}')) return p;
    if (auto args = call_arguments(token, "[wW]ildcard")) {
        if (args->size() == 1 && (*args)[0].empty()) fail(not_enough, token);
        if (args->size() > 1) fail(too_many, token);
        p.kind = TransformKind::wildcard;
        p.wildcard_indexes = {to_int((*args)[0], token)};
        return p;
    }
    if (auto args = call_arguments(token, "[pP]artition")) {
        if (args->size() < 2) fail(not_enough, token);
        p.kind = TransformKind::partition;
        p.number = to_int((*args)[0], token);
        for (std::size_t i = 1; i < args->size(); ++i) p.wildcard_indexes.push_back(to_int((*args)[i], token));
        return p;
    }
    if (auto args = call_arguments(token, "[sS]plit[fF]rom[lL]eft"))
        return index_and_number(TransformKind::split_from_left, *args, token);
    if (auto args = call_arguments(token, "[sS]plit[fF]rom[rR]ight"))
        return index_and_number(TransformKind::split_from_right, *args, token);
    if (auto args = call_arguments(token, "[sS]lice[fF]rom[lL]eft"))
        return index_and_number(TransformKind::slice_from_left, *args, token);
    if (auto args = call_arguments(token, "[sS]lice[fF]rom[rR]ight"))
        return index_and_number(TransformKind::slice_from_right, *args, token);
    if (auto args = call_arguments(token, "[sS]plit")) {
        if (args->size() < 2) fail(not_enough, token);
        if (args->size() > 2) fail(too_many, token);
        p.kind = TransformKind::split;
        p.wildcard_indexes = {to_int((*args)[0], token)};
        const std::string& delim = (*args)[1];
        if (delim.find(' ') != std::string::npos || delim.find('.') != std::string::npos) fail(invalid_argument, token);
        p.delimiter = delim;
        return p;
    }
    fail("unknown function", token);
}

// nats-server's subjectInfo: valid (no empty token, nothing after '>'), the
// tokens, how many '*', and whether it ends in '>'.
struct SubjectInfo {
    bool valid = false;
    std::vector<std::string> tokens;
    int partial_wildcards = 0;
    bool full_wildcard = false;
};

SubjectInfo subject_info(std::string_view subject) {
    SubjectInfo info;
    if (subject.empty()) return info;
    for (auto t : tokenize(subject)) {
        if (t.empty() || info.full_wildcard) return SubjectInfo{};
        if (t == ">") info.full_wildcard = true;
        if (t == "*") ++info.partial_wildcards;
        info.tokens.emplace_back(t);
    }
    info.valid = true;
    return info;
}

std::uint32_t fnv32a(std::string_view data) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : data) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

}  // namespace

SubjectTransform SubjectTransform::create(std::string_view source, std::string_view destination) {
    SubjectInfo src = subject_info(source);
    SubjectInfo dst = subject_info(destination);
    if (!src.valid || !dst.valid || dst.partial_wildcards > 0 || src.full_wildcard != dst.full_wildcard)
        throw TransformError("invalid subject");
    SubjectTransform t;
    t.source_.assign(source);
    t.destination_.assign(destination);
    if (src.partial_wildcards > 0 || src.full_wildcard) {
        // Wildcard number (1-based) -> index of that '*' among the source tokens.
        std::map<int, int> wildcard_token;
        for (std::size_t i = 0; i < src.tokens.size(); ++i) {
            if (src.tokens[i] == "*") wildcard_token[static_cast<int>(wildcard_token.size()) + 1] = static_cast<int>(i);
        }
        int placeholders = 0;
        for (const auto& token : dst.tokens) {
            Placeholder p = parse_placeholder(token);
            DestinationToken d;
            if (p.kind != TransformKind::none) {
                ++placeholders;
                for (int w : p.wildcard_indexes) {
                    if (w > src.partial_wildcards)
                        fail("wildcard index out of range", token + ": [" + std::to_string(w) + "]");
                    auto it = wildcard_token.find(w);
                    d.source_tokens.push_back(it == wildcard_token.end() ? 0 : it->second);
                }
                d.kind = p.kind;
                d.number = p.number;
                d.delimiter = p.delimiter;
            }
            t.plan_.push_back(std::move(d));
        }
        if (placeholders < src.partial_wildcards) fail("not using all of the token wildcard(s)", destination);
    }
    t.source_tokens_ = std::move(src.tokens);
    t.destination_tokens_ = std::move(dst.tokens);
    return t;
}

std::string SubjectTransform::apply(std::string_view subject) const {
    if (plan_.empty()) return destination_;
    const auto tokens = tokenize(subject);
    auto token_at = [&](int i) -> std::string_view {
        return i >= 0 && static_cast<std::size_t>(i) < tokens.size() ? tokens[static_cast<std::size_t>(i)] : std::string_view{};
    };
    std::string out;
    const std::size_t last = plan_.size() - 1;
    for (std::size_t i = 0; i < plan_.size(); ++i) {
        const DestinationToken& d = plan_[i];
        const int first = d.source_tokens.empty() ? -1 : d.source_tokens[0];
        switch (d.kind) {
            case TransformKind::none:
                if (destination_tokens_[i] == ">") goto tail;
                out += destination_tokens_[i];
                break;
            case TransformKind::wildcard: out += token_at(first); break;
            case TransformKind::partition: {
                std::string key;
                for (int s : d.source_tokens) key += token_at(s);
                out += d.number > 0 ? std::to_string(fnv32a(key) % static_cast<std::uint32_t>(d.number)) : "0";
                break;
            }
            case TransformKind::split_from_left:
            case TransformKind::split_from_right: {
                const std::string_view tok = token_at(first);
                const auto len = static_cast<std::int64_t>(tok.size());
                const std::int64_t pos = d.number;
                if (pos > 0 && pos < len) {
                    const auto cut = static_cast<std::size_t>(d.kind == TransformKind::split_from_left ? pos : len - pos);
                    out.append(tok.substr(0, cut)).append(".").append(tok.substr(cut));
                } else {
                    out += tok;
                }
                break;
            }
            case TransformKind::slice_from_left: {
                const std::string_view tok = token_at(first);
                const std::size_t len = tok.size();
                const std::int64_t size = d.number;
                if (size > 0 && static_cast<std::size_t>(size) < len) {
                    const auto s = static_cast<std::size_t>(size);
                    for (std::size_t k = 0; k + s <= len; k += s) {
                        if (k != 0) out += '.';
                        out += tok.substr(k, s);
                        if (k + s != len && k + s + s > len) {
                            out.append(".").append(tok.substr(k + s));
                            break;
                        }
                    }
                } else {
                    out += tok;
                }
                break;
            }
            case TransformKind::slice_from_right: {
                const std::string_view tok = token_at(first);
                const std::size_t len = tok.size();
                const std::int64_t size = d.number;
                if (size > 0 && static_cast<std::size_t>(size) < len) {
                    const auto s = static_cast<std::size_t>(size);
                    const std::size_t remainder = len % s;
                    if (remainder > 0) out.append(tok.substr(0, remainder)).append(".");
                    for (std::size_t k = remainder; k + s <= len; k += s) {
                        out += tok.substr(k, s);
                        if (k + s < len) out += '.';
                    }
                } else {
                    out += tok;
                }
                break;
            }
            case TransformKind::split: {
                // Go: strings.Split, then join the non-empty parts with '.'.
                const std::string_view tok = token_at(first);
                std::vector<std::string_view> parts;
                std::size_t start = 0;
                // An empty delimiter splits between every byte, as Go's strings.Split does.
                if (d.delimiter.empty())
                    for (std::size_t k = 0; k < tok.size(); ++k) parts.push_back(tok.substr(k, 1));
                while (!d.delimiter.empty()) {
                    const std::size_t at = tok.find(d.delimiter, start);
                    if (at == std::string_view::npos) {
                        parts.push_back(tok.substr(start));
                        break;
                    }
                    parts.push_back(tok.substr(start, at - start));
                    start = at + d.delimiter.size();
                }
                for (std::size_t j = 0; j < parts.size(); ++j) {
                    out += parts[j];
                    if (j + 1 < parts.size() && !parts[j + 1].empty() && !(j == 0 && parts[j].empty())) out += '.';
                }
                break;
            }
        }
        if (i < last) out += '.';
    }
tail:
    if (destination_tokens_.back() == ">") {
        // The tokens the source's '>' covered.
        for (std::size_t i = source_tokens_.size() - 1; i < tokens.size(); ++i) {
            out += tokens[i];
            if (i + 1 < tokens.size()) out += '.';
        }
    }
    return out;
}

std::optional<SubjectTransform> SubjectTransform::reverse() const {
    try {
        if (plan_.empty()) return create(destination_, source_);
        std::vector<std::string> placeholders;
        const std::string new_source = transform_untokenize(destination_, &placeholders);
        std::vector<std::string> new_destination;
        std::size_t next = 0;
        for (const auto& token : source_tokens_) {
            if (token == "*") {
                if (next >= placeholders.size()) return std::nullopt;
                new_destination.push_back(placeholders[next++]);
            } else {
                new_destination.push_back(token);
            }
        }
        return create(new_source, join(new_destination));
    } catch (const TransformError&) {
        return std::nullopt;
    }
}

void validate_mapping_destination(std::string_view destination) {
    static const char* const functions[] = {"[pP]artition", "[wW]ildcard", "[sS]plit[fF]rom[lL]eft",
                                            "[sS]plit[fF]rom[rR]ight", "[sS]lice[fF]rom[lL]eft",
                                            "[sS]lice[fF]rom[rR]ight", "[sS]plit"};
    bool after_fwc = false;
    for (std::string_view t : nats_sdk::subject::tokens(destination)) {
        const std::size_t n = t.size();
        if (n == 0 || after_fwc) fail("invalid subject", t);
        if (n > 4 && t[0] == '{' && t[1] == '{' && t[n - 2] == '}' && t[n - 1] == '}') {
            const std::string token(t);
            bool known = false;
            for (const char* f : functions) known = known || call_arguments(token, f).has_value();
            if (!known) fail("unknown function", t);
            continue;
        }
        if (t == ">") after_fwc = true;
        else if (t.find_first_of("\t\n\f\r ") != std::string_view::npos)
            throw TransformError(std::string(mapping_error) + ": invalid subject");
    }
}

std::string transform_tokenize(std::string_view subject) {
    std::vector<std::string> out;
    int n = 1;
    for (auto t : tokenize(subject)) {
        if (t == "*") out.push_back("$" + std::to_string(n++));
        else out.emplace_back(t);
    }
    return join(out);
}

std::string transform_untokenize(std::string_view subject, std::vector<std::string>* placeholders) {
    std::vector<std::string> out;
    for (auto t : tokenize(subject)) {
        if (t.size() > 1 && t[0] == '$' && t[1] >= '1' && t[1] <= '9') {
            if (placeholders) placeholders->emplace_back(t);
            out.emplace_back("*");
        } else {
            out.emplace_back(t);
        }
    }
    return join(out);
}

}  // namespace nats::accounts
