// fdatasync: what one durable write costs on the disk under --dir, which bounds a
// publisher that waits for fsync before each ack. Three cases, because a store's
// cost depends on how its file was made:
//   append       the file grows with each write (size changes reach the journal);
//   preallocated fallocate()d space (ext4 marks it unwritten: the first write to
//                each extent changes metadata too);
//   overwrite    space already written once (only the data blocks go out).
#include "nats_handles.hpp"
#include "percentiles.hpp"
#include "runners.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

namespace nats::bench {
namespace {

struct scratch_file {
    std::string path;
    int fd = -1;
    ~scratch_file() {
        if (fd >= 0) ::close(fd);
        if (!path.empty()) ::unlink(path.c_str());
    }
};

[[noreturn]] void fail_errno(const std::string& what) { throw setup_error(what + ": " + std::strerror(errno)); }

// Writes `count` records of `size` bytes at consecutive offsets, each followed by an
// fdatasync, and returns the time of each write + fdatasync.
std::vector<std::uint64_t> timed_writes(int fd, std::uint32_t size, std::uint64_t count, clock::time_point deadline) {
    const std::vector<char> record(size, 'r');
    std::vector<std::uint64_t> samples;
    samples.reserve(count);
    for (std::uint64_t i = 0; i < count && clock::now() < deadline; ++i) {
        const std::int64_t t0 = now_ns();
        if (::pwrite(fd, record.data(), size, static_cast<off_t>(i * size)) != static_cast<ssize_t>(size))
            fail_errno("pwrite");
        if (::fdatasync(fd) != 0) fail_errno("fdatasync");
        samples.push_back(static_cast<std::uint64_t>(now_ns() - t0));
    }
    return samples;
}

void report(run_result& r, const std::string& name, std::vector<std::uint64_t> samples) {
    const latency_summary l = summarize_latencies(std::move(samples));
    r.fields[name + "_count"] = l.count;
    r.fields[name + "_p50_us"] = round_to(l.p50_us, 1);
    r.fields[name + "_p99_us"] = round_to(l.p99_us, 1);
    r.fields[name + "_mean_us"] = round_to(l.mean_us, 1);
}

}  // namespace

run_result run_fdatasync(const config& cfg, clock::time_point deadline) {
    scratch_file f;
    f.path = cfg.dir + "/nats-bench-fdatasync-" + std::to_string(::getpid());
    f.fd = ::open(f.path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (f.fd < 0) fail_errno("open " + f.path);
    run_result r;
    r.fields["dir"] = cfg.dir;
    r.fields["size"] = cfg.size;
    report(r, "append", timed_writes(f.fd, cfg.size, cfg.msgs, deadline));

    // Same file, from the start again: every byte was written once and is on disk.
    report(r, "overwrite", timed_writes(f.fd, cfg.size, cfg.msgs, deadline));

    if (::ftruncate(f.fd, 0) != 0 || ::fdatasync(f.fd) != 0) fail_errno("ftruncate");
    const off_t span = static_cast<off_t>(cfg.size) * static_cast<off_t>(cfg.msgs);
    if (::fallocate(f.fd, 0, 0, span) == 0) {
        ::fsync(f.fd);
        report(r, "preallocated", timed_writes(f.fd, cfg.size, cfg.msgs, deadline));
    } else {
        r.fields["preallocated"] = std::string("fallocate: ") + std::strerror(errno);
    }
    if (clock::now() >= deadline) r.fail("deadline reached before every write was timed");
    return r;
}

}  // namespace nats::bench
