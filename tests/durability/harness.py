"""What the durability tests share: mounting lazyfs.py, starting a server binary on a free
loopback port, and a minimal NATS client over a raw socket (PUB, SUB, MSG, HMSG, PING).

Every wait here is bounded; a child process dies with the test (PR_SET_PDEATHSIG), so a
test killed by ctest leaves no server running and no filesystem mounted behind it.
"""

import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

SKIP = 77  # ctest's SKIP_RETURN_CODE
HERE = os.path.dirname(os.path.abspath(__file__))
PR_SET_PDEATHSIG = 1


class Skip(Exception):
    """The machine cannot run this test (no FUSE, no fusepy): exit 77."""


class Failure(Exception):
    pass


def _die_with_parent(sig):
    def set_signal():
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig)
    return set_signal


def log(text):
    print(text, flush=True)


def is_mounted(path):
    path = os.path.realpath(path)
    with open("/proc/self/mountinfo") as mounts:
        return any(line.split()[4] == path for line in mounts)


# --- the lazy filesystem ----------------------------------------------------------

class LazyMount:
    """lazyfs.py serving `backing` at `mount_point`, with power cuts on demand."""

    MOUNT_FAILURES = ("fuse:", "fusermount", "Permission denied", "Operation not permitted", "/dev/fuse")

    def __init__(self, python, backing, mount_point, log_path):
        self.python = python
        self.backing = backing
        self.mount_point = mount_point
        self.log_path = log_path
        self.process = None

    def mount(self, timeout=15.0):
        if not os.path.exists("/dev/fuse"):
            raise Skip("/dev/fuse is missing")
        probe = subprocess.run([self.python, "-B", "-c", "import sys; sys.path.insert(0, %r); import lazyfs" % HERE],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode != 0:
            raise Skip("fusepy is not importable by %s (Debian: apt-get install python3-fusepy): %s"
                       % (self.python, probe.stderr.strip().splitlines()[-1:]))
        os.makedirs(self.backing, exist_ok=True)
        os.makedirs(self.mount_point, exist_ok=True)
        self.log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.python, os.path.join(HERE, "lazyfs.py"), self.backing, self.mount_point],
                                        stdout=self.log_file, stderr=subprocess.STDOUT,
                                        preexec_fn=_die_with_parent(signal.SIGTERM))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if is_mounted(self.mount_point):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        output = open(self.log_path, errors="replace").read()
        self.unmount()
        if any(word in output for word in self.MOUNT_FAILURES):
            raise Skip("cannot mount a FUSE filesystem here: " + output.strip()[-300:])
        raise Failure("lazyfs did not mount within %.0f s: %s" % (timeout, output.strip()[-1000:]))

    def control(self, command):
        with open(os.path.join(self.mount_point, ".lazyfs"), "w") as control:
            control.write(command)

    def control_status(self):
        """The control file's counters, one line."""
        with open(os.path.join(self.mount_point, ".lazyfs")) as control:
            return control.read().strip()

    def dirty_bytes(self):
        """Bytes written through the mount and not yet fsynced."""
        with open(os.path.join(self.mount_point, ".lazyfs")) as control:
            for field in control.read().split():
                if field.startswith("dirty_bytes="):
                    return int(field.split("=", 1)[1])
        return 0

    def power_cut(self, command="cut"):
        """Drops every write not yet fsynced ("torn SEED": writes some back first);
        returns lazyfs's account of what it dropped."""
        self.control(command)
        with open(os.path.join(self.mount_point, ".lazyfs")) as control:
            text = control.read()
        return text.split("last_cut=", 1)[1].strip() if "last_cut=" in text else text.strip()

    def unmount(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # libfuse unmounts and exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if is_mounted(self.mount_point):
            for command in (["fusermount3", "-u", "-z"], ["fusermount", "-u", "-z"], ["umount", "-l"]):
                if shutil.which(command[0]):
                    subprocess.run(command + [self.mount_point], capture_output=True, timeout=10)
                    if not is_mounted(self.mount_point):
                        break
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if getattr(self, "log_file", None):
            self.log_file.close()
            self.log_file = None


# --- a server process ---------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One run of a server binary with JetStream on `store_dir`, its output in `log_path`."""

    def __init__(self, binary, store_dir, log_path, extra_args=()):
        self.binary = binary
        self.store_dir = store_dir
        self.log_path = log_path
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.process = None

    def start(self, timeout=20.0):
        self.log_file = open(self.log_path, "ab")
        args = [self.binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", self.store_dir] + self.extra_args
        self.process = subprocess.Popen(args, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        preexec_fn=_die_with_parent(signal.SIGKILL))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.kill()
                raise Failure("%s exited with %s at start-up; log %s:\n%s"
                              % (self.binary, self.process.returncode, self.log_path, self.log_tail()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(4).startswith(b"INFO"):
                        return
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise Failure("%s did not listen on port %d within %.0f s" % (self.binary, self.port, timeout))

    def kill(self):
        """SIGKILL, and wait until the process is gone (its files are then closed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                raise Failure("the server did not die within 15 s of SIGKILL (stuck in the filesystem?)")
        if getattr(self, "log_file", None):
            self.log_file.close()
            self.log_file = None

    def stop(self, timeout=15.0):
        """SIGTERM: a clean shutdown (the store closes its files)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise Failure("the server did not stop within %.0f s of SIGTERM" % timeout)
        self.kill()

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


# --- a raw NATS client -----------------------------------------------------------------

class Message:
    def __init__(self, subject, reply, headers, payload):
        self.subject = subject
        self.reply = reply
        self.headers = headers
        self.payload = payload

    def status(self):
        """The status code of a header-only reply (503: no responders), or None."""
        if self.headers and self.headers.startswith(b"NATS/1.0 "):
            return int(self.headers[9:12])
        return None


class Client:
    """Just enough of the client protocol for the tests, over one socket."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buffer = b""
        self.next_inbox = 0
        line = self._line(time.monotonic() + timeout)
        if not line.startswith(b"INFO "):
            raise Failure("expected INFO, got %r" % line[:200])
        self.send(b"CONNECT " + json.dumps({"verbose": False, "pedantic": False, "headers": True,
                                             "no_responders": True, "protocol": 1}).encode() + b"\r\nPING\r\n")
        deadline = time.monotonic() + timeout
        while self._line(deadline) != b"PONG":
            pass
        self.send(b"SUB _INBOX.t.* 1\r\n")

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def publish(self, subject, payload, reply=None):
        head = "PUB %s %s%d\r\n" % (subject, (reply + " ") if reply else "", len(payload))
        self.send(head.encode() + payload + b"\r\n")

    def inbox(self):
        self.next_inbox += 1
        return "_INBOX.t.%d" % self.next_inbox

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data from the server in time")
        self.sock.settimeout(remaining)
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buffer += data

    def _line(self, deadline):
        while b"\r\n" not in self.buffer:
            self._fill(deadline)
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _take(self, size, deadline):
        while len(self.buffer) < size + 2:
            self._fill(deadline)
        data, self.buffer = self.buffer[:size], self.buffer[size + 2:]
        return data

    def next_message(self, timeout=None):
        """The next MSG or HMSG (PINGs answered, other lines skipped)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            line = self._line(deadline)
            if line == b"PING":
                self.send(b"PONG\r\n")
                continue
            if line.startswith(b"-ERR"):
                raise Failure("server error: %s" % line.decode(errors="replace"))
            parts = line.split()
            if not parts or parts[0] not in (b"MSG", b"HMSG"):
                continue
            if parts[0] == b"MSG":
                reply = parts[3].decode() if len(parts) == 5 else None
                payload = self._take(int(parts[-1]), deadline)
                return Message(parts[1].decode(), reply, b"", payload)
            reply = parts[3].decode() if len(parts) == 6 else None
            header_size, total = int(parts[-2]), int(parts[-1])
            data = self._take(total, deadline)
            return Message(parts[1].decode(), reply, data[:header_size], data[header_size:])

    def request(self, subject, body=b"", timeout=None):
        inbox = self.inbox()
        self.publish(subject, body, inbox)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            message = self.next_message(max(0.0, deadline - time.monotonic()))
            if message.subject == inbox:
                return message

    def js(self, subject, body=None, timeout=None):
        """A JetStream API request; the reply's JSON, or {"no_responders": True}."""
        data = b"" if body is None else json.dumps(body).encode()
        message = self.request(subject, data, timeout)
        if message.status() == 503:
            return {"no_responders": True}
        return json.loads(message.payload)

    def js_ready(self, timeout=20.0):
        """Waits until JetStream answers $JS.API.INFO (it may start after the listener)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.js("$JS.API.INFO", timeout=max(0.1, deadline - time.monotonic()))
            if not reply.get("no_responders"):
                return reply
            time.sleep(0.1)
        raise Failure("JetStream did not answer within %.0f s" % timeout)

    def get_many(self, stream, sequences, window=128, timeout=60.0):
        """STREAM.MSG.GET for every sequence, `window` requests in flight.
        Returns {seq: (subject, payload bytes)} for the ones served and {seq: error} for the rest."""
        found, errors = {}, {}
        pending = {}
        todo = list(sequences)
        todo.reverse()
        deadline = time.monotonic() + timeout
        while todo or pending:
            while todo and len(pending) < window:
                seq = todo.pop()
                inbox = self.inbox()
                pending[inbox] = seq
                self.publish("$JS.API.STREAM.MSG.GET." + stream, json.dumps({"seq": seq}).encode(), inbox)
            message = self.next_message(max(0.0, deadline - time.monotonic()))
            seq = pending.pop(message.subject, None)
            if seq is None:
                continue
            reply = {"no_responders": True} if message.status() == 503 else json.loads(message.payload)
            if "message" in reply:
                found[seq] = (reply["message"].get("subject"), base64.b64decode(reply["message"].get("data", "")))
            else:
                errors[seq] = reply.get("error", reply)
        return found, errors


def list_files(root):
    """`path size` for every file under root (for failure reports)."""
    lines = []
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                lines.append("%s %d" % (os.path.relpath(path, root), os.path.getsize(path)))
            except OSError:
                pass
    return "\n".join(sorted(lines))


def system_python():
    """The Python that sees Debian's python3-fusepy (a pyenv or venv python does not)."""
    for candidate in ("/usr/bin/python3", sys.executable):
        if candidate and os.path.exists(candidate):
            return candidate
    return sys.executable
