#pragma once
// Allocation-free subject tokenizing shared by the grammar checks and the trie.
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace nats::routing {

// Walks the '.'-separated tokens of a subject. Empty tokens ("a..b", ".a")
// are reported as empty views so callers can reject them.
class TokenCursor {
public:
    explicit TokenCursor(std::string_view subject) : rest_(subject) {}

    // Advances to the next token; false once every token was consumed.
    bool next() {
        if (done_) return false;
        const std::size_t dot = rest_.find('.');
        if (dot == std::string_view::npos) {
            token_ = rest_;
            done_ = true;
        } else {
            token_ = rest_.substr(0, dot);
            rest_.remove_prefix(dot + 1);
        }
        return true;
    }
    std::string_view token() const { return token_; }
    bool has_more() const { return !done_; }

private:
    std::string_view rest_;
    std::string_view token_;
    bool done_ = false;
};

// The tokens of one subject. Subjects of up to 32 tokens (nearly all) stay on
// the stack, as in nats-server's tokenizer; deeper ones spill to the heap.
class TokenList {
public:
    // Splits subject; false if it has an empty token (including "").
    bool split(std::string_view subject) {
        TokenCursor cursor(subject);
        while (cursor.next()) {
            if (cursor.token().empty()) return false;
            push(cursor.token());
        }
        return true;
    }
    std::size_t size() const { return size_; }
    const std::string_view* data() const { return heap_.empty() ? inline_.data() : heap_.data(); }

private:
    void push(std::string_view token) {
        if (size_ < inline_.size()) {
            inline_[size_++] = token;
            return;
        }
        if (heap_.empty()) heap_.assign(inline_.begin(), inline_.end());
        heap_.push_back(token);
        ++size_;
    }

    std::array<std::string_view, 32> inline_{};
    std::vector<std::string_view> heap_;
    std::size_t size_ = 0;
};

}  // namespace nats::routing
