#!/usr/bin/env python3
"""A FUSE filesystem that loses what was not fsynced when told to: a simulated power cut.

    lazyfs.py BACKING_DIR MOUNT_POINT

It shows BACKING_DIR at MOUNT_POINT. Data written to a file stays in this process's
memory (an overlay of 4 KiB pages per inode, standing in for the kernel's page cache)
until the file is fsynced or fdatasynced; only then is it written to the backing file.
Reads see the backing file with the overlay on top, so a program sees its own writes.
Closing a file does not make its data durable, exactly as with a real page cache.

Metadata operations (create, mkdir, rename, unlink, rmdir, truncate, fallocate, chmod)
are applied to the backing directory at once, as Jepsen's LazyFS treats them, so a power
cut never undoes them; fsync of a directory has nothing left to do.

Power cut: write "cut" to MOUNT_POINT/.lazyfs (a control file that directory listings
do not show). Every page not yet synced is dropped and every file goes back to its synced
size; the write returns only once that is done. Writing "sync" instead writes every
file's pages back, as sync(2) or the kernel's periodic writeback would. "torn SEED" is
a harsher cut: first each dirty page is written back or not at random (seeded), as when
the kernel was part way through writing pages back, then the rest is dropped. Reading the control file gives counters:
dirty pages and bytes now, cuts so far, and what the last cut dropped.

Full disk: "space N" leaves N bytes for files to grow into; a write or fallocate that
would grow files by more fails with ENOSPC and changes nothing, as on a full disk (unlink
and shrinking truncate give the space back). "space unlimited" (the default) frees it.
statfs keeps reporting the backing filesystem, so a program's own free-space estimate
does not stop it first: the test is of what happens when a write meets ENOSPC.

The mount uses direct_io and zero attribute and entry timeouts, so the kernel keeps no
page cache of its own and every read and write reaches this process. Operations run one
at a time (single-threaded FUSE loop): no locks are needed. mmap of a file is refused by
direct_io; neither our file store nor nats-server 2.9 maps its files.

Needs fusepy (Debian: python3-fusepy, which brings libfuse2). Runs in the foreground
until unmounted or sent SIGTERM/SIGINT.
"""

import ctypes
import errno
import os
import random
import stat
import sys

try:
    import fusepy as fuse  # Debian's python3-fusepy names the module fusepy
except ImportError:
    import fuse  # the module's name when installed with pip

PAGE = 4096
CONTROL_NAME = ".lazyfs"
CONTROL_PATH = "/" + CONTROL_NAME
# File handles are backing file descriptors; the control file gets one no fd can be.
CONTROL_FH = 1 << 40


class Overlay:
    """The unsynced state of one inode: whole pages (backing bytes with the writes on
    top) and the size the file has for its users."""

    def __init__(self, size, fd):
        self.pages = {}
        self.size = size
        self.fd = fd  # a backing descriptor of its own: sync and unlinked files need one

    def discard(self):
        os.close(self.fd)

    def dirty_bytes(self):
        return len(self.pages) * PAGE


class LazyFS(fuse.Operations):
    use_ns = True
    # Operations on an open file work by handle, so they go on after the file's name is
    # gone (hard_remove: no .fuse_hidden renames).
    flag_nullpath_ok = 1

    def __init__(self, backing):
        self.backing = os.path.realpath(backing)
        self.overlays = {}  # (st_dev, st_ino) -> Overlay
        self.open_count = {}  # (st_dev, st_ino) -> open handles
        self.keys = {}  # fh -> (st_dev, st_ino)
        self.append_fhs = set()
        self.cuts = 0
        self.last_cut = "none"
        self.space = None  # bytes files may still grow by; None: no limit
        self.refused = 0  # writes and fallocates refused with ENOSPC

    # --- helpers ---------------------------------------------------------------

    def _real(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    @staticmethod
    def _key_of(st):
        return (st.st_dev, st.st_ino)

    def _backing_size(self, fd):
        return os.fstat(fd).st_size

    def _overlay(self, fh):
        key = self.keys[fh]
        overlay = self.overlays.get(key)
        if overlay is None:
            overlay = Overlay(self._backing_size(fh), os.dup(fh))
            self.overlays[key] = overlay
        return overlay

    def _load_page(self, fd, number):
        data = os.pread(fd, PAGE, number * PAGE)
        return bytearray(data) + bytearray(PAGE - len(data))

    def _drop(self, key):
        overlay = self.overlays.pop(key, None)
        if overlay is not None:
            overlay.discard()

    def _flush(self, key):
        """fsync: every dirty page of the inode to the backing file, then its size."""
        overlay = self.overlays.pop(key, None)
        if overlay is None:
            return
        fd = overlay.fd
        for number in sorted(overlay.pages):
            start = number * PAGE
            if start >= overlay.size:
                continue
            page = overlay.pages[number]
            os.pwrite(fd, bytes(page[: min(PAGE, overlay.size - start)]), start)
        if self._backing_size(fd) != overlay.size:
            os.ftruncate(fd, overlay.size)
        overlay.discard()

    def _sync_all(self):
        """What sync(2), or the kernel's writeback of old dirty pages, would do."""
        for key in list(self.overlays):
            self._flush(key)

    def _write_back_some(self, rng):
        """Before a torn cut: each dirty page independently reached the disk or not, as
        with a kernel that was writing pages back in no particular order."""
        kept = 0
        for overlay in self.overlays.values():
            for number in [n for n in overlay.pages if rng.random() < 0.5 and n * PAGE < overlay.size]:
                page = overlay.pages.pop(number)
                start = number * PAGE
                data = bytes(page[: min(PAGE, overlay.size - start)])
                os.pwrite(overlay.fd, data, start)
                kept += len(data)
        return kept

    def _cut(self, rng=None):
        kept = self._write_back_some(rng) if rng else 0
        files = len(self.overlays)
        dropped = sum(o.dirty_bytes() for o in self.overlays.values())
        for key in list(self.overlays):
            self._drop(key)
        self.cuts += 1
        self.last_cut = "files=%d bytes=%d" % (files, dropped) + (" written_back=%d" % kept if rng else "")
        print("lazyfs: power cut %d: dropped %s" % (self.cuts, self.last_cut), file=sys.stderr, flush=True)

    def _status(self):
        pages = sum(len(o.pages) for o in self.overlays.values())
        space = "unlimited" if self.space is None else str(self.space)
        return ("dirty_files=%d dirty_bytes=%d cuts=%d last_cut=%s space=%s enospc=%d\n" %
                (len(self.overlays), pages * PAGE, self.cuts, self.last_cut, space, self.refused)).encode()

    def _grow(self, old_size, new_size):
        """Takes new_size - old_size bytes of the space left, or fails with ENOSPC."""
        growth = new_size - old_size
        if growth <= 0 or self.space is None:
            return
        if growth > self.space:
            self.refused += 1
            raise fuse.FuseOSError(errno.ENOSPC)
        self.space -= growth

    def _give_back(self, size):
        if self.space is not None and size > 0:
            self.space += size

    def _size_of(self, fh):
        overlay = self.overlays.get(self.keys[fh])
        return overlay.size if overlay is not None else self._backing_size(fh)

    def _stat_dict(self, st, key=None):
        attrs = {name: getattr(st, name) for name in (
            "st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size",
            "st_atime_ns", "st_mtime_ns", "st_ctime_ns", "st_blocks")}
        for name in ("st_atime", "st_mtime", "st_ctime"):
            attrs[name] = attrs.pop(name + "_ns")
        overlay = self.overlays.get(key) if key else None
        if overlay is not None:
            attrs["st_size"] = overlay.size
        return attrs

    # --- attributes and directories ----------------------------------------------

    def getattr(self, path, fh=None):
        if path == CONTROL_PATH:
            return {"st_mode": stat.S_IFREG | 0o600, "st_nlink": 1, "st_size": 0}
        if fh is not None and fh != CONTROL_FH and fh in self.keys:
            st = os.fstat(fh)
        else:
            st = os.lstat(self._real(path))
        return self._stat_dict(st, self._key_of(st) if stat.S_ISREG(st.st_mode) else None)

    def access(self, path, mode):
        if path != CONTROL_PATH and not os.access(self._real(path), mode):
            raise fuse.FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._real(path))

    def mkdir(self, path, mode):
        os.mkdir(self._real(path), mode)

    def rmdir(self, path):
        os.rmdir(self._real(path))

    def fsyncdir(self, path, datasync, fh):
        return 0  # metadata reached the backing directory when it changed

    def statfs(self, path):
        sv = os.statvfs(self.backing)
        return {name: getattr(sv, name) for name in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files",
            "f_flag", "f_frsize", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self._real(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._real(path), uid, gid)

    def utimens(self, path, times=None):
        if times is None:
            os.utime(self._real(path))
        else:
            os.utime(self._real(path), ns=times)

    def unlink(self, path):
        real = self._real(path)
        st = os.lstat(real)
        key = self._key_of(st)
        overlay = self.overlays.get(key)
        if st.st_nlink == 1:
            self._give_back(overlay.size if overlay is not None else st.st_size)
        os.unlink(real)
        if not self.open_count.get(key):
            self._drop(key)

    def rename(self, old, new):
        os.rename(self._real(old), self._real(new))

    def symlink(self, target, source):
        os.symlink(source, self._real(target))

    def readlink(self, path):
        return os.readlink(self._real(path))

    # --- files ---------------------------------------------------------------------

    def _track(self, fd, flags):
        key = self._key_of(os.fstat(fd))
        self.keys[fd] = key
        self.open_count[key] = self.open_count.get(key, 0) + 1
        if flags & os.O_APPEND:
            self.append_fhs.add(fd)
        return fd

    def create(self, path, mode, fi=None):
        if path == CONTROL_PATH:
            return CONTROL_FH
        fd = os.open(self._real(path), os.O_RDWR | os.O_CREAT, mode)
        # A new file (or an inode number reused) starts with nothing unsynced.
        self._drop(self._key_of(os.fstat(fd)))
        return self._track(fd, 0)

    def open(self, path, flags):
        if path == CONTROL_PATH:
            return CONTROL_FH
        # Always read-write underneath: fsync must be able to write whatever handle asks.
        fd = os.open(self._real(path), os.O_RDWR)
        self._track(fd, flags)
        if flags & os.O_TRUNC:
            self._truncate_fh(fd, 0)
        return fd

    def release(self, path, fh):
        if fh == CONTROL_FH:
            return 0
        key = self.keys.pop(fh)
        self.append_fhs.discard(fh)
        self.open_count[key] -= 1
        if self.open_count[key] == 0:
            del self.open_count[key]
            if os.fstat(fh).st_nlink == 0:
                self._drop(key)  # unlinked and closed: gone for good
        os.close(fh)
        return 0

    def flush(self, path, fh):
        return 0  # close() makes nothing durable

    def read(self, path, size, offset, fh):
        if fh == CONTROL_FH:
            return self._status()[offset:offset + size]
        overlay = self.overlays.get(self.keys[fh])
        if overlay is None:
            return os.pread(fh, size, offset)
        end = min(offset + size, overlay.size)
        if end <= offset:
            return b""
        data = bytearray(os.pread(fh, end - offset, offset))
        data.extend(bytearray(end - offset - len(data)))  # written past the backing end
        first, last = offset // PAGE, (end - 1) // PAGE
        for number in range(first, last + 1):
            page = overlay.pages.get(number)
            if page is None:
                continue
            page_start = number * PAGE
            lo, hi = max(offset, page_start), min(end, page_start + PAGE)
            data[lo - offset:hi - offset] = page[lo - page_start:hi - page_start]
        return bytes(data)

    def write(self, path, data, offset, fh):
        if fh == CONTROL_FH:
            command = data.decode(errors="replace").strip()
            if command == "cut":
                self._cut()
            elif command.startswith("torn "):
                self._cut(random.Random(int(command.split()[1])))
            elif command == "sync":
                self._sync_all()
            elif command == "space unlimited":
                self.space = None
            elif command.startswith("space ") and command.split()[1].isdigit():
                self.space = int(command.split()[1])
            elif command:
                raise fuse.FuseOSError(errno.EINVAL)
            return len(data)
        overlay = self._overlay(fh)
        if fh in self.append_fhs:
            offset = overlay.size
        end = offset + len(data)
        self._grow(overlay.size, end)
        at = offset
        while at < end:
            number = at // PAGE
            page = overlay.pages.get(number)
            if page is None:
                page = self._load_page(fh, number)
                overlay.pages[number] = page
            page_start = number * PAGE
            hi = min(end, page_start + PAGE)
            page[at - page_start:hi - page_start] = data[at - offset:hi - offset]
            at = hi
        overlay.size = max(overlay.size, end)
        return len(data)

    def fsync(self, path, datasync, fh):
        if fh != CONTROL_FH:
            self._flush(self.keys[fh])
        return 0

    def _truncate_fh(self, fd, length):
        self._give_back(self._size_of(fd) - length)
        os.ftruncate(fd, length)
        overlay = self.overlays.get(self.keys[fd])
        if overlay is None:
            return
        for number in [n for n in overlay.pages if n * PAGE >= length]:
            del overlay.pages[number]
        tail = overlay.pages.get(length // PAGE)
        if tail is not None:
            cut_at = length % PAGE
            tail[cut_at:] = bytearray(PAGE - cut_at)
        overlay.size = length

    def truncate(self, path, length, fh=None):
        if path == CONTROL_PATH or fh == CONTROL_FH:
            return 0
        if fh is not None and fh in self.keys:
            self._truncate_fh(fh, length)
            return 0
        fd = os.open(self._real(path), os.O_RDWR)
        try:
            self._track(fd, 0)
            self._truncate_fh(fd, length)
        finally:
            self.release(path, fd)

    def fallocate(self, path, mode, offset, length, fh):
        if mode != 0:
            raise fuse.FuseOSError(errno.EOPNOTSUPP)
        self._grow(self._size_of(fh), offset + length)
        os.posix_fallocate(fh, offset, length)
        overlay = self.overlays.get(self.keys[fh])
        if overlay is not None:
            overlay.size = max(overlay.size, offset + length)


# fusepy 3.0.1 stops its fuse_operations at ioctl (libfuse 2.8); libfuse 2.9 added poll,
# write_buf, read_buf, flock and fallocate after it. Extending the table lets the file
# store's fallocate reach us instead of failing with EOPNOTSUPP.
class _OperationsWithFallocate(ctypes.Structure):
    _fields_ = list(fuse.fuse_operations._fields_) + [
        ("poll", ctypes.c_void_p),
        ("write_buf", ctypes.c_void_p),
        ("read_buf", ctypes.c_void_p),
        ("flock", ctypes.c_void_p),
        ("fallocate", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_int, fuse.c_off_t, fuse.c_off_t,
                                       ctypes.POINTER(fuse.fuse_file_info))),
    ]


class _Fuse(fuse.FUSE):
    def fallocate(self, path, mode, offset, length, fip):
        return self.operations("fallocate", self._decode_optional_path(path), mode, offset, length,
                               fip.contents.fh)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    backing, mount_point = sys.argv[1], sys.argv[2]
    if not any(name == "fallocate" for name, *_ in fuse.fuse_operations._fields_):
        fuse.fuse_operations = _OperationsWithFallocate
    _Fuse(LazyFS(backing), mount_point, foreground=True, nothreads=True, direct_io=True,
          attr_timeout=0, entry_timeout=0, negative_timeout=0, hard_remove=True, default_permissions=True,
          fsname="lazyfs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
