/* An LD_PRELOAD interposer that fails a program's writes and syncs to regular files on
 * demand, for the I/O-error test (io_error_test.py).
 *
 *   NMK_FAULT_CONTROL=/path/to/control  the switch: while this file exists, its words say
 *                                       what fails ("write", "fsync"; both when empty)
 *   NMK_FAULT_PREFIX=/path/to/store     only files under this path fail (default: all)
 *
 * "write" fails write, pwrite, writev and pwritev with EIO, "fsync" fails fsync and
 * fdatasync with EIO. Sockets, pipes and terminals are never touched (only regular files),
 * so the server keeps talking to its clients and its log. Every refusal is counted in
 * the control file's sibling "<control>.count" (best effort), so a test can see that the
 * fault was really met. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

enum { FAIL_WRITE = 1, FAIL_SYNC = 2 };

static int faults_now(void) {
    const char* control = getenv("NMK_FAULT_CONTROL");
    if (control == NULL) return 0;
    int fd = open(control, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char words[64] = {0};
    ssize_t n = read(fd, words, sizeof words - 1);
    close(fd);
    if (n <= 0) return FAIL_WRITE | FAIL_SYNC;
    int mask = 0;
    if (strstr(words, "write")) mask |= FAIL_WRITE;
    if (strstr(words, "fsync")) mask |= FAIL_SYNC;
    return mask ? mask : FAIL_WRITE | FAIL_SYNC;
}

static int is_regular(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static int under_prefix(int fd) {
    const char* prefix = getenv("NMK_FAULT_PREFIX");
    if (prefix == NULL || *prefix == '\0') return 1;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return 0;
    path[n] = '\0';
    return strncmp(path, prefix, strlen(prefix)) == 0;
}

static void count_refusal(void) {
    const char* control = getenv("NMK_FAULT_CONTROL");
    if (control == NULL) return;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.count", control);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    static ssize_t (*real_write)(int, const void*, size_t);
    if (!real_write) real_write = (ssize_t (*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
    if (real_write(fd, "x", 1) < 0) { /* best effort */ }
    close(fd);
}

static int refuse(int fd, int kind) {
    int saved = errno;
    int fail = is_regular(fd) && (faults_now() & kind) && under_prefix(fd);
    if (fail) count_refusal();
    errno = saved;
    return fail;
}

typedef ssize_t (*write_fn)(int, const void*, size_t);
typedef ssize_t (*pwrite_fn)(int, const void*, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec*, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec*, int, off_t);
typedef int (*sync_fn)(int);

/* The real function, looked up once (the next definition after this library). */
#define REAL(name, type) static type real_##name; if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t n) {
    REAL(write, write_fn);
    if (refuse(fd, FAIL_WRITE)) { errno = EIO; return -1; }
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t at) {
    REAL(pwrite, pwrite_fn);
    if (refuse(fd, FAIL_WRITE)) { errno = EIO; return -1; }
    return real_pwrite(fd, buf, n, at);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t at) {
    REAL(pwrite64, pwrite_fn);
    if (refuse(fd, FAIL_WRITE)) { errno = EIO; return -1; }
    return real_pwrite64(fd, buf, n, at);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
    REAL(writev, writev_fn);
    if (refuse(fd, FAIL_WRITE)) { errno = EIO; return -1; }
    return real_writev(fd, iov, count);
}

ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t at) {
    REAL(pwritev, pwritev_fn);
    if (refuse(fd, FAIL_WRITE)) { errno = EIO; return -1; }
    return real_pwritev(fd, iov, count, at);
}

int fsync(int fd) {
    REAL(fsync, sync_fn);
    if (refuse(fd, FAIL_SYNC)) { errno = EIO; return -1; }
    return real_fsync(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync, sync_fn);
    if (refuse(fd, FAIL_SYNC)) { errno = EIO; return -1; }
    return real_fdatasync(fd);
}
