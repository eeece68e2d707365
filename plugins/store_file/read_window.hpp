#pragma once
// A stream's read window: up to 1 MiB of one block file, read in one pread and reused for
// every record that lies in it. Reading through a stream in order (a consumer catching
// up, JetStream's duplicate-window rebuild at start) then costs one system call per
// window instead of one per message, and loading a block's cache scans the block a
// window at a time, so no block is ever held whole in memory. The window's pages stay
// mapped and are reused (no page faults after the first fill).
//
// Block files are append-only and a block id is never reused, so bytes once read stay
// true (damage appearing later on disk is caught when the window is next filled).
// Not thread-safe: the owning stream serializes calls.

#include <cstdint>
#include <string_view>

#include "block_file.hpp"
#include "page_array.hpp"

namespace store_file {

class ReadWindow {
public:
    static constexpr std::size_t default_size = std::size_t{1} << 20;

    // [offset, offset + length) of block `id` if the window holds it, else empty.
    std::string_view find(std::uint32_t id, std::uint64_t offset, std::size_t length) const noexcept {
        if (id != id_ || id == 0 || offset < offset_ || offset + length > offset_ + bytes_.size()) return {};
        return {bytes_.data() + (offset - offset_), length};
    }
    // Reads `length` bytes of `file` at `offset` into the window. 0 or -errno (then the
    // window is empty).
    int fill(BlockFile& file, std::uint64_t offset, std::size_t length) {
        id_ = 0;
        bytes_.resize(length);
        if (const int result = file.read(offset, length, bytes_.data()); result != 0) {
            bytes_.resize(0);
            return result;
        }
        id_ = file.id();
        offset_ = offset;
        return 0;
    }
    std::string_view bytes() const noexcept { return {bytes_.data(), bytes_.size()}; }
    // Gives the memory back when a huge record made the window grow.
    void shrink() noexcept {
        if (bytes_.size() > default_size) {
            bytes_.release();
            id_ = 0;
        }
    }

private:
    PageArray<char> bytes_;
    std::uint32_t id_ = 0;  // 0: holds nothing
    std::uint64_t offset_ = 0;
};

}  // namespace store_file
