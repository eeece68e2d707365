#include "meta_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace store_file {
namespace {

constexpr std::string_view magic = "NMKMETA1";
constexpr std::size_t prefix_size = 24;

}  // namespace

int write_meta_file(FileIo& io, const std::string& dir, std::string_view content) {
    std::string bytes(magic);
    const std::uint64_t length = content.size();
    const std::uint64_t sum = XXH3_64bits(content.data(), content.size());
    bytes.append(reinterpret_cast<const char*>(&length), 8);
    bytes.append(reinterpret_cast<const char*>(&sum), 8);
    bytes.append(content);

    const std::string temp = dir + "/" + std::string(meta_temp_name);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return -errno;
    int result = write_all(io, fd, bytes.data(), bytes.size(), 0);
    if (result == 0) result = io.fsync(fd);
    ::close(fd);
    if (result == 0 && ::rename(temp.c_str(), (dir + "/" + std::string(meta_file_name)).c_str()) != 0) {
        result = -errno;
    }
    if (result == 0) result = sync_directory(io, dir);
    if (result != 0) ::unlink(temp.c_str());
    return result;
}

MetaRead read_meta_file(const std::string& dir, std::string& content, std::string& error) {
    const std::string path = dir + "/" + std::string(meta_file_name);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return MetaRead::missing;
        error = describe_errno("cannot read", path, errno);
        return MetaRead::io_error;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        error = "cannot read " + path;
        return MetaRead::io_error;
    }
    std::uint64_t length = 0;
    std::uint64_t sum = 0;
    if (bytes.size() >= prefix_size) {
        std::memcpy(&length, bytes.data() + 8, 8);
        std::memcpy(&sum, bytes.data() + 16, 8);
    }
    if (bytes.size() < prefix_size || bytes.compare(0, magic.size(), magic) != 0 ||
        length != bytes.size() - prefix_size ||
        XXH3_64bits(bytes.data() + prefix_size, bytes.size() - prefix_size) != sum) {
        error = path + ": checksum or length does not match its content";
        return MetaRead::corrupt;
    }
    content = bytes.substr(prefix_size);
    return MetaRead::ok;
}

}  // namespace store_file
