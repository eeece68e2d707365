#pragma once
// A stream's metadata file (<stream dir>/meta.inf): JetStream's config, stored with a
// checksum and replaced all or nothing: write meta.inf.tmp, fsync it, rename it over
// meta.inf, fsync the directory. A crash leaves either the old or the new content,
// never a mix; a leftover meta.inf.tmp is ignored and removed.
//
//   "NMKMETA1" | u64 content length | u64 XXH3-64 of the content | content

#include <optional>
#include <string>
#include <string_view>

#include "file_io.hpp"

namespace store_file {

inline constexpr std::string_view meta_file_name = "meta.inf";
inline constexpr std::string_view meta_temp_name = "meta.inf.tmp";

// Writes `content` as the directory's meta file, durably. Returns 0 or -errno.
int write_meta_file(FileIo& io, const std::string& dir, std::string_view content);

enum class MetaRead { ok, missing, corrupt, io_error };

// Reads and checks the meta file. `error` says what was wrong for corrupt/io_error.
MetaRead read_meta_file(const std::string& dir, std::string& content, std::string& error);

}  // namespace store_file
