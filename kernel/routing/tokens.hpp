#pragma once
// The trie's token list; the tokenizer itself is the SDK's (nats_sdk/subject.hpp).
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include <nats_sdk/subject.hpp>

namespace nats::routing {

using nats_sdk::subject::TokenCursor;

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
