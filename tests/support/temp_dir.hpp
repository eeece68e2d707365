#pragma once
// A private scratch directory per test (config files, logs, certificates),
// removed with everything in it when the owner goes away.
#include <filesystem>
#include <string>
#include <string_view>

namespace nats::test_support {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // path() / name, without creating anything.
    std::filesystem::path file(std::string_view name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Writes (replacing) the whole file; throws std::runtime_error on failure.
void write_file(const std::filesystem::path& file, std::string_view content);
// The whole file, or "" when it cannot be read.
std::string read_file(const std::filesystem::path& file);

} // namespace nats::test_support
