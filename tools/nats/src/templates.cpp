#include "templates.hpp"

#include <cctype>
#include <charconv>
#include <ctime>
#include <random>
#include <vector>

namespace nats::cli {
namespace {

std::mt19937_64& rng() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string rfc3339(std::chrono::system_clock::time_point now) {
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&t, &local);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &local);
    std::string out = buf;
    const long offset = local.tm_gmtoff;
    if (offset == 0) return out + "Z";
    const long magnitude = offset < 0 ? -offset : offset;
    char zone[32];
    std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", offset < 0 ? '-' : '+', magnitude / 3600, (magnitude % 3600) / 60);
    return out + zone;
}

std::string kitchen(std::chrono::system_clock::time_point now) {
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&t, &local);
    int hour = local.tm_hour % 12;
    if (hour == 0) hour = 12;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d:%02d%s", hour, local.tm_min, local.tm_hour < 12 ? "AM" : "PM");
    return buf;
}

class renderer {
public:
    renderer(std::string_view text, const template_values& values) : text_(text), values_(values) {}

    std::string run() {
        std::string out;
        std::size_t pos = 0;
        while (pos < text_.size()) {
            const auto open = text_.find("{{", pos);
            if (open == std::string_view::npos) {
                out.append(text_.substr(pos));
                break;
            }
            std::size_t inner = open + 2;
            std::string_view before = text_.substr(pos, open - pos);
            // "{{- " trims the white space before the action.
            if (inner + 1 < text_.size() && text_[inner] == '-' && is_space(text_[inner + 1])) {
                while (!before.empty() && is_space(before.back())) before.remove_suffix(1);
                inner += 2;
            }
            out.append(before);
            line_ = 1;
            for (std::size_t k = 0; k < open; ++k) line_ += text_[k] == '\n' ? 1 : 0;
            const auto close = find_close(inner);
            std::string_view action = text_.substr(inner, close - inner);
            pos = close + 2;
            // " -}}" trims the white space after it.
            if (action.size() >= 2 && action.back() == '-' && is_space(action[action.size() - 2])) {
                action.remove_suffix(1);
                while (pos < text_.size() && is_space(text_[pos])) ++pos;
            }
            out += evaluate(action);
        }
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw template_error("template: body:" + std::to_string(line_) + ": " + what);
    }

    std::size_t find_close(std::size_t from) {
        bool in_quote = false;
        for (std::size_t k = from; k + 1 < text_.size(); ++k) {
            if (text_[k] == '"' && (k == from || text_[k - 1] != '\\')) in_quote = !in_quote;
            if (!in_quote && text_[k] == '}' && text_[k + 1] == '}') return k;
        }
        fail("unclosed action");
    }

    static std::vector<std::string_view> split(std::string_view s) {
        std::vector<std::string_view> words;
        std::size_t k = 0;
        while (k < s.size()) {
            while (k < s.size() && is_space(s[k])) ++k;
            const std::size_t start = k;
            while (k < s.size() && !is_space(s[k])) ++k;
            if (k > start) words.push_back(s.substr(start, k - start));
        }
        return words;
    }

    long long integer(std::string_view word, std::string_view function) const {
        long long v = 0;
        const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
        if (ec != std::errc() || ptr != word.data() + word.size()) {
            fail("executing \"body\" at <" + std::string(function) + ">: invalid argument " + std::string(word) +
                 " for " + std::string(function) + ": expected an integer");
        }
        return v;
    }

    std::string value_of(std::string_view name, bool field) const {
        using namespace std::chrono;
        if (name == "Count" || name == "Cnt") return std::to_string(values_.count);
        if (name == "Unix") return std::to_string(duration_cast<seconds>(values_.now.time_since_epoch()).count());
        if (name == "UnixNano") {
            return std::to_string(duration_cast<nanoseconds>(values_.now.time_since_epoch()).count());
        }
        if (name == "TimeStamp") return rfc3339(values_.now);
        if (name == "Time") return kitchen(values_.now);
        if (name == "ID") return unique_id();
        if (name == "Request" && (field || values_.request)) return values_.request.value_or("");
        if (field) fail("executing \"body\" at <." + std::string(name) + ">: can't evaluate field " + std::string(name));
        fail("function \"" + std::string(name) + "\" not defined");
    }

    std::string evaluate(std::string_view action) {
        while (!action.empty() && is_space(action.front())) action.remove_prefix(1);
        while (!action.empty() && is_space(action.back())) action.remove_suffix(1);
        if (action.size() >= 4 && action.substr(0, 2) == "/*" && action.substr(action.size() - 2) == "*/") return {};
        const auto words = split(action);
        if (words.empty()) fail("missing value for command");
        const std::string_view head = words.front();
        if (head.front() == '.') {
            if (words.size() > 1) fail("can't give argument to non-function " + std::string(head));
            return value_of(head.substr(1), true);
        }
        for (char c : head) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
                fail("unexpected \"" + std::string(head) + "\" in command");
            }
        }
        if (head == "Random") {
            if (words.size() != 3) {
                fail("executing \"body\" at <Random>: wrong number of args for Random: want 2 got " +
                     std::to_string(words.size() - 1));
            }
            return random_string(integer(words[1], head), integer(words[2], head));
        }
        if (words.size() > 1) {
            // Functions other than Random take no arguments.
            (void)value_of(head, false);
            fail("executing \"body\" at <" + std::string(head) + ">: wrong number of args for " + std::string(head) +
                 ": want 0 got " + std::to_string(words.size() - 1));
        }
        return value_of(head, false);
    }

    std::string_view text_;
    const template_values& values_;
    int line_ = 1;
};

} // namespace

std::string render_template(std::string_view text, const template_values& values) {
    return renderer(text, values).run();
}

std::string random_string(long long shortest, long long longest) {
    static constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    if (shortest < 0) shortest = 0;
    if (longest < 0) longest = 0;
    if (shortest > longest) std::swap(shortest, longest);
    std::uniform_int_distribution<long long> length(shortest, longest);
    std::uniform_int_distribution<std::size_t> pick(0, letters.size() - 1);
    std::string out(static_cast<std::size_t>(length(rng())), ' ');
    for (auto& c : out) c = letters[pick(rng())];
    return out;
}

std::string unique_id() {
    static constexpr std::string_view digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<std::size_t> pick(0, digits.size() - 1);
    std::string out(22, ' ');
    for (auto& c : out) c = digits[pick(rng())];
    return out;
}

} // namespace nats::cli
