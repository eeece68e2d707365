#pragma once
// A growable array of trivially copyable values kept in its own anonymous mapping
// (mmap/mremap), so that dropping a block's cache gives its pages back to the system at
// once. Memory from malloc would stay in the heap (glibc raises its mmap threshold after
// the first large free), and the resident size would not shrink when caches are dropped.
//
// Elements never used before are zero bytes (what a fresh mapping holds): T's all-zero
// value must mean "nothing" where that matters. Shrinking keeps the pages (a read buffer
// is refilled in place). Not thread-safe.

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace store_file {

template <typename T>
class PageArray {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    PageArray() = default;
    PageArray(const PageArray&) = delete;
    PageArray& operator=(const PageArray&) = delete;
    PageArray(PageArray&& other) noexcept { swap(other); }
    PageArray& operator=(PageArray&& other) noexcept {
        if (this != &other) {
            release();
            swap(other);
        }
        return *this;
    }
    ~PageArray() { release(); }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }

    // Grows or shrinks; throws std::bad_alloc when the system refuses memory.
    void resize(std::size_t size) {
        if (size > capacity_) reserve(std::max(size, capacity_ + capacity_ / 2));
        size_ = size;
    }
    // Reserves address space for `count` elements (pages become resident when written), so
    // that growing up to it needs no remapping.
    void reserve_at_least(std::size_t count) {
        if (count > capacity_) reserve(count);
    }
    void push_back(const T& value) {
        resize(size_ + 1);
        data_[size_ - 1] = value;
    }
    // Gives every page back.
    void release() noexcept {
        if (data_ != nullptr) ::munmap(data_, bytes(capacity_));
        data_ = nullptr;
        size_ = capacity_ = 0;
    }

private:
    static std::size_t bytes(std::size_t count) noexcept {
        constexpr std::size_t page = 4096;
        return (count * sizeof(T) + page - 1) / page * page;
    }
    void reserve(std::size_t capacity) {
        capacity = bytes(capacity) / sizeof(T);
        void* memory = data_ == nullptr
                           ? ::mmap(nullptr, bytes(capacity), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                           : ::mremap(data_, bytes(capacity_), bytes(capacity), MREMAP_MAYMOVE);
        if (memory == MAP_FAILED) throw std::bad_alloc();
        data_ = static_cast<T*>(memory);
        capacity_ = capacity;
    }
    void swap(PageArray& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        std::swap(capacity_, other.capacity_);
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace store_file
