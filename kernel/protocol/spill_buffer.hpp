#pragma once
// Growable byte buffer that holds the part of an operation split across two
// reads. Unlike std::string it has no inline storage, so release() really brings
// the footprint back to zero: an idle connection owns no parse memory.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace nats::protocol {

class SpillBuffer {
public:
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    bool empty() const { return size_ == 0; }
    const char* data() const { return data_.get(); }
    std::string_view view() const { return {data_.get(), size_}; }
    char back() const { return data_[size_ - 1]; }

    void reserve(std::size_t n) {
        if (n <= capacity_) return;
        auto bigger = std::make_unique_for_overwrite<char[]>(n);
        if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
        data_ = std::move(bigger);
        capacity_ = n;
    }

    void append(const char* bytes, std::size_t n) {
        if (n == 0) return;
        if (size_ + n > capacity_) reserve(std::max(size_ + n, capacity_ * 2));
        std::memcpy(data_.get() + size_, bytes, n);
        size_ += n;
    }

    // Drops bytes beyond n (n <= size()).
    void truncate(std::size_t n) { size_ = n; }

    // Frees the storage.
    void release() {
        data_.reset();
        size_ = capacity_ = 0;
    }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace nats::protocol
