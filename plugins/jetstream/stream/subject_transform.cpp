#include "stream/subject_transform.hpp"

#include <cctype>

#include <nats_sdk/subject.hpp>

namespace nmk::jetstream {

namespace {

namespace subj = nats_sdk::subject;

// The wildcard number of a `$N` or `{{wildcard(N)}}` token; 0 for a literal token;
// -1 for a mapping function this server does not support.
int placeholder(std::string_view token) {
    const auto number = [](std::string_view digits) {
        if (digits.empty() || digits.size() > 4) return -1;
        int n = 0;
        for (char c : digits) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
            n = n * 10 + (c - '0');
        }
        return n > 0 ? n : -1;
    };
    if (token.size() > 1 && token[0] == '$') return number(token.substr(1));
    if (token.size() > 4 && token.substr(0, 2) == "{{" && token.substr(token.size() - 2) == "}}") {
        std::string inner;
        for (char c : token.substr(2, token.size() - 4)) {
            if (c != ' ') inner += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        constexpr std::string_view fn = "wildcard(";
        if (inner.size() > fn.size() + 1 && inner.substr(0, fn.size()) == fn && inner.back() == ')')
            return number(std::string_view(inner).substr(fn.size(), inner.size() - fn.size() - 1));
        return -1;
    }
    return 0;
}

}  // namespace

std::optional<SubjectTransform> SubjectTransform::make(std::string_view source, std::string_view destination) {
    if (!subj::is_valid_subject(source) || !subj::is_valid_subject(destination)) return std::nullopt;
    SubjectTransform t;
    std::vector<int> pwc_positions;  // source positions of the 1st, 2nd, ... `*`
    bool source_fwc = false;
    for (auto token : subj::tokens(source)) {
        if (subj::is_pwc(token)) pwc_positions.push_back(static_cast<int>(t.source_tokens_.size()));
        source_fwc = source_fwc || subj::is_fwc(token);
        t.source_tokens_.emplace_back(token);
    }
    bool dest_fwc = false;
    int placeholders = 0;
    for (auto token : subj::tokens(destination)) {
        if (subj::is_pwc(token)) return std::nullopt;
        if (subj::is_fwc(token)) {
            dest_fwc = true;
            t.pieces_.push_back({{}, -2});
            continue;
        }
        const int n = placeholder(token);
        if (n < 0) return std::nullopt;
        if (n == 0) {
            t.pieces_.push_back({std::string(token), -1});
            continue;
        }
        if (n > static_cast<int>(pwc_positions.size())) return std::nullopt;
        ++placeholders;
        t.pieces_.push_back({{}, pwc_positions[static_cast<std::size_t>(n - 1)]});
    }
    if (source_fwc != dest_fwc) return std::nullopt;
    if (placeholders < static_cast<int>(pwc_positions.size())) return std::nullopt;
    return t;
}

std::string SubjectTransform::apply(std::string_view subject) const {
    const auto tokens = subj::tokens(subject);
    std::string rest;
    if (!source_tokens_.empty() && subj::is_fwc(source_tokens_.back()) && tokens.size() >= source_tokens_.size()) {
        const auto at = tokens[source_tokens_.size() - 1].data() - subject.data();
        rest = std::string(subject.substr(static_cast<std::size_t>(at)));
    }
    std::string out;
    for (const auto& piece : pieces_) {
        if (!out.empty()) out += '.';
        if (piece.index == -2) out += rest;
        else if (piece.index >= 0 && static_cast<std::size_t>(piece.index) < tokens.size()) out += tokens[static_cast<std::size_t>(piece.index)];
        else out += piece.text;
    }
    return out;
}

}  // namespace nmk::jetstream
