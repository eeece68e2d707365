#pragma once
// Checks a JetStream store offline, like fsck: every stream of every backend found under a
// store directory is opened (which runs the backend's own recovery), every message between
// its first and last sequence is read and its checksum verified, and the per-subject index
// and counts are compared with a recount of the messages. With `repair`, corrupt records
// are removed (they were never served; removing them makes the stream's counts and the
// index agree with what can be read). The server must not be running on that directory.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nats::store_check {

struct CheckOptions {
    std::string backend = "auto";  // auto, file, rocksdb
    bool repair = false;
};

struct StreamReport {
    std::string backend;
    std::string account;
    std::string stream;
    std::uint64_t messages = 0;    // readable messages found
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::vector<std::uint64_t> corrupt;        // sequences whose record failed its check
    std::vector<std::string> index_problems;   // disagreements between the index or counts and the data
    std::uint64_t repaired = 0;                // corrupt records removed (repair)
    bool clean() const { return (corrupt.empty() || repaired == corrupt.size()) && index_problems.empty(); }
};

// `store_dir` is the server's store_dir (its jetstream/ folder is looked into) or that
// jetstream/ folder itself. Throws std::runtime_error when nothing can be opened.
std::vector<StreamReport> check_store(const std::filesystem::path& store_dir, const CheckOptions& options);

// One line per stream, as the tool prints it.
std::string describe(const StreamReport& report);

}  // namespace nats::store_check
