#!/usr/bin/env python3
"""Checks lazyfs.py itself: a power-cut test is only as good as the cut it simulates.

Each check does through the mount what a store does (pwrite, fdatasync, fallocate,
ftruncate, write-then-rename, O_APPEND, unlink while open, directory fsync) and looks
at the backing directory and at the mount before and after a cut.
Exit codes: 0 passed, 1 failed, 77 skipped (no FUSE or no fusepy).
"""

import ctypes
import os
import shutil
import sys
import tempfile
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

libc = ctypes.CDLL("libc.so.6", use_errno=True)


def fallocate(fd, size):
    """fallocate(2) itself: glibc's posix_fallocate would quietly write zeros instead."""
    if libc.fallocate(fd, 0, ctypes.c_long(0), ctypes.c_long(size)) != 0:
        raise OSError(ctypes.get_errno(), "fallocate")


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def checks(mount):
    m, b = mount.mount_point, mount.backing

    # Unsynced writes: seen through the mount, absent from the backing file.
    fd = os.open(m + "/a", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, b"x" * 5000, 0)
    expect(os.fstat(fd).st_size == 5000 and os.path.getsize(b + "/a") == 0, "unsynced size only in the mount")
    expect(os.pread(fd, 10, 4995) == b"xxxxx", "a short read at the end")
    os.fdatasync(fd)
    expect(read_file(b + "/a") == b"x" * 5000, "fdatasync writes the data back")
    os.pwrite(fd, b"YY", 4096)
    os.pwrite(fd, b"tail", 6000)  # past the end: the hole reads as zeros
    expect(os.pread(fd, 10, 5996) == b"\0" * 4 + b"tail", "a hole past the synced end reads as zeros")
    expect(os.pread(fd, 3, 4095) == b"xYY", "own writes over synced data")
    dropped = mount.power_cut()
    expect("files=1" in dropped, "the cut reports one dirty file: " + dropped)
    expect(os.fstat(fd).st_size == 5000, "the size goes back to the synced one")
    expect(os.pread(fd, 5000, 0) == b"x" * 5000, "the unsynced overwrite is gone")
    os.close(fd)

    # Write-new-then-rename without fsync: the name survives (metadata is durable at
    # once), the content does not. This is how nats-server 2.9 loses meta.inf.
    with open(m + "/meta.tmp", "wb") as f:
        f.write(b"config")
    os.rename(m + "/meta.tmp", m + "/meta")
    expect(read_file(m + "/meta") == b"config", "renamed file readable before the cut")
    mount.power_cut()
    expect(read_file(m + "/meta") == b"" and not os.path.exists(m + "/meta.tmp"), "renamed but unsynced: empty")
    with open(m + "/meta2", "wb") as f:
        f.write(b"config")
        f.flush()
        os.fsync(f.fileno())
    mount.power_cut()
    expect(read_file(m + "/meta2") == b"config", "synced before the cut: kept")

    # fallocate and ftruncate change the size at once; records inside keep the rules.
    fd = os.open(m + "/blk", os.O_RDWR | os.O_CREAT, 0o640)
    fallocate(fd, 1 << 20)
    expect(os.path.getsize(b + "/blk") == 1 << 20, "fallocate reaches the backing file at once")
    os.pwrite(fd, b"rec1", 0)
    os.fdatasync(fd)
    os.pwrite(fd, b"rec2", 4)
    mount.power_cut()
    expect(os.pread(fd, 8, 0) == b"rec1\0\0\0\0", "synced record kept, unsynced one gone")
    expect(os.fstat(fd).st_size == 1 << 20, "preallocated size kept")
    os.ftruncate(fd, 10)
    expect(os.path.getsize(b + "/blk") == 10, "ftruncate reaches the backing file at once")
    os.close(fd)

    # O_APPEND appends at the size the program sees.
    fd = os.open(m + "/log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(fd, b"one,")
    os.write(fd, b"two")
    os.close(fd)
    expect(read_file(m + "/log") == b"one,two", "O_APPEND writes")

    # A file unlinked while open stays usable through its descriptor.
    fd = os.open(m + "/gone", os.O_RDWR | os.O_CREAT, 0o644)
    os.unlink(m + "/gone")
    os.pwrite(fd, b"still here", 0)
    os.fsync(fd)
    expect(os.pread(fd, 10, 0) == b"still here", "unlinked file readable and syncable")
    os.close(fd)

    # Directories: made at once, fsync works, the control file is not listed.
    os.makedirs(m + "/d/e")
    dfd = os.open(m + "/d", os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(dfd)
    os.close(dfd)
    mount.power_cut()
    expect(os.path.isdir(b + "/d/e"), "mkdir is durable at once")
    expect(".lazyfs" not in os.listdir(m), "the control file is hidden from listings")

    # "sync" writes every dirty file back, as the kernel's writeback would.
    with open(m + "/late", "wb") as f:
        f.write(b"written back")
    mount.control("sync")
    mount.power_cut()
    expect(read_file(m + "/late") == b"written back", "sync writes back every file")

    # A torn cut keeps some whole dirty pages and drops the others.
    fd = os.open(m + "/torn", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, b"o" * (16 * 4096), 0)
    os.fsync(fd)
    for page in range(16):
        os.pwrite(fd, bytes([65 + page]) * 4096, page * 4096)
    mount.control("torn 7")
    data = os.pread(fd, 16 * 4096, 0)
    pages = [data[i * 4096:(i + 1) * 4096] for i in range(16)]
    expect(all(p in (b"o" * 4096, bytes([65 + i]) * 4096) for i, p in enumerate(pages)), "torn: whole pages only")
    kept = sum(p != b"o" * 4096 for p in pages)
    expect(0 < kept < 16, "torn: some pages written back, some dropped (%d of 16 kept)" % kept)
    os.close(fd)

    # O_TRUNC drops unsynced data and the synced content at once.
    with open(m + "/late", "wb") as f:
        f.write(b"new")
    mount.power_cut()
    expect(read_file(m + "/late") == b"", "O_TRUNC is durable, the new data was not synced")

    # Full disk: growth beyond "space N" fails with ENOSPC and writes nothing.
    mount.control("space 10000")
    fd = os.open(m + "/full", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, b"f" * 8000, 0)
    try:
        os.pwrite(fd, b"g" * 4000, 8000)
        expect(False, "a write beyond the space left is refused")
    except OSError as e:
        expect(e.errno == 28, "ENOSPC, not %r" % e)
    expect(os.fstat(fd).st_size == 8000, "the refused write changed nothing")
    os.pwrite(fd, b"h" * 100, 0)  # rewriting what is there needs no space
    try:
        fallocate(fd, 20000)
        expect(False, "a fallocate beyond the space left is refused")
    except OSError as e:
        expect(e.errno == 28, "fallocate: ENOSPC, not %r" % e)
    os.close(fd)
    os.unlink(m + "/full")  # gives its 8000 bytes back
    fd = os.open(m + "/after", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, b"i" * 9000, 0)
    expect("enospc=2" in mount.control_status(), "the refusals are counted: " + mount.control_status())
    mount.control("space unlimited")
    os.pwrite(fd, b"j" * 100000, 9000)
    os.close(fd)


def main():
    work = tempfile.mkdtemp(prefix="nmk-lazyfs-")
    mount = harness.LazyMount(harness.system_python(), os.path.join(work, "backing"), os.path.join(work, "mnt"),
                              os.path.join(work, "lazyfs.log"))
    try:
        mount.mount()
        checks(mount)
        print("PASSED")
        return 0
    except harness.Skip as reason:
        print("SKIPPED: %s" % reason)
        return harness.SKIP
    except (AssertionError, OSError, harness.Failure):
        traceback.print_exc()
        print("lazyfs log:\n" + open(mount.log_path, errors="replace").read()[-2000:])
        return 1
    finally:
        mount.unmount()
        if not harness.is_mounted(mount.mount_point):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
