#pragma once
// File reads that fail with Go's os.ReadFile wording
// ("open x: no such file or directory"), as nk reports them.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace nats::nk {

// A one-line message for the user; nk prints it and exits with status 1.
class Fatal : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The whole file. Throws Fatal.
std::string read_whole_file(const std::string& path);
// Exactly `count` bytes from the start of `path` (an entropy source such as
// /dev/urandom). Throws Fatal, with "EOF" or "unexpected EOF" when short.
std::string read_prefix(const std::string& path, std::size_t count);

} // namespace nats::nk
