#!/usr/bin/env python3
"""Full-disk test: a file stream on a filesystem that fills up.

The server runs with its store on lazyfs.py, which is told to leave only a little space
("space N": growth beyond it fails with ENOSPC). Publishing then goes on until the store
cannot grow, and the test checks:
  - a publish that does not fit gets nats-server's PubAck error, insufficient resources
    (503, err_code 10023), never a success that was not stored, and the server stays up
    and answers the API;
  - once space is freed ("space unlimited"), publishing works again and the sequences go
    on from the last stored one (no gap, nothing half-written in between);
  - after kill -9 and a power cut (every unsynced write dropped), the restarted server
    serves every acknowledged message with its payload, in order, and reports no corrupt
    record.

    full_disk_test.py --server build/bin/nats-server

nats-server 2.9.10 answers the same situation differently: err_code 10077 (stream store
failed) with the OS error in the text ("write <store>/.../msgs/1.blk: no space left on
device", 503); ours maps the store's NO_SPACE to insufficient resources (10023), the
error nats-server gives when its own limits are reached (plugins/jetstream/stream/stream.cpp).

Exit codes: 0 passed, 1 failed, 77 skipped (no FUSE or no fusepy).
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, Skip, log  # noqa: E402

STREAM = "FULL"
SUBJECT = "full.data"
PAYLOAD_SIZE = 64 * 1024
# Less than one of the file store's 8 MiB blocks: the store fills its current block, then
# cannot allocate the next one.
SPACE_LEFT = 2 * 1024 * 1024
MAX_PUBLISHES = 600  # bounded: 64 KiB each, several blocks' worth


def payload(n):
    """Unique, checkable content for publish number n; random bytes, so that a store that
    compresses (RocksDB) needs as much room as one that does not."""
    return ("msg-%08d-" % n).encode() + random.Random(n).randbytes(PAYLOAD_SIZE - 13)


class Run:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.mount = harness.LazyMount(args.python, os.path.join(work, "backing"), os.path.join(work, "mnt"),
                                       os.path.join(work, "lazyfs.log"))
        self.store = os.path.join(self.mount.mount_point, "store")
        self.acked = {}  # seq -> payload
        self.published = 0
        self.runs = 0

    def start_server(self):
        self.runs += 1
        extra = []
        if self.args.config:
            path = os.path.join(self.work, "server.conf")
            with open(path, "w") as f:
                f.write(self.args.config + "\n")
            extra = ["-c", path]
        server = harness.Server(self.args.server, self.store, os.path.join(self.work, "server-%d.log" % self.runs), extra)
        server.start()
        client = harness.Client(server.port, timeout=30.0)
        client.js_ready()
        return server, client

    def publish(self, client):
        """One publish; returns the PubAck's JSON."""
        n = self.published
        self.published += 1
        data = payload(n)
        reply = json.loads(client.request(SUBJECT, data, timeout=30.0).payload)
        if "error" not in reply:
            seq = reply["seq"]
            if seq in self.acked:
                raise Failure("sequence %d acknowledged twice" % seq)
            self.acked[seq] = data
        return reply

    def expect_alive(self, server, client, when):
        if server.process.poll() is not None:
            raise Failure("the server exited (%s) %s; log:\n%s" % (server.process.returncode, when, server.log_tail()))
        info = client.js("$JS.API.STREAM.INFO." + STREAM)
        if "error" in info:
            raise Failure("STREAM.INFO failed %s: %s" % (when, json.dumps(info)))
        state = info["state"]
        if state["messages"] != len(self.acked) or state["last_seq"] != max(self.acked):
            raise Failure("%s: the stream holds %d messages up to %d, %d were acknowledged up to %d"
                          % (when, state["messages"], state["last_seq"], len(self.acked), max(self.acked)))

    def run(self):
        self.mount.mount()
        server, client = self.start_server()
        try:
            created = client.js("$JS.API.STREAM.CREATE." + STREAM,
                                {"name": STREAM, "subjects": ["full.>"], "storage": "file"})
            if "error" in created:
                raise Failure("stream create failed: %s" % json.dumps(created))
            for _ in range(10):
                reply = self.publish(client)
                if "error" in reply:
                    raise Failure("publish before the disk filled failed: %s" % json.dumps(reply))

            self.mount.control("space %d" % SPACE_LEFT)
            refusal = None
            while refusal is None and self.published < MAX_PUBLISHES:
                reply = self.publish(client)
                if "error" in reply:
                    refusal = reply
            if refusal is None:
                raise Failure("%d publishes all fit in %d bytes: the full disk was never reached (%s)"
                              % (self.published, SPACE_LEFT, self.mount.control_status()))
            log("full after %d publishes (%d acknowledged): %s" % (self.published, len(self.acked), json.dumps(refusal)))
            expected = {"code": 503, "err_code": 10023, "description": "insufficient resources"}
            if refusal.get("error") != expected or refusal.get("stream") != STREAM:
                raise Failure("the PubAck error is %s, want %s" % (json.dumps(refusal), json.dumps(expected)))
            if "enospc=0" in self.mount.control_status():
                raise Failure("the refusal did not come from ENOSPC: " + self.mount.control_status())
            # Still full: every further publish is refused the same way, and nothing else breaks.
            for _ in range(5):
                reply = self.publish(client)
                if reply.get("error") != expected:
                    raise Failure("a publish on the full disk got %s" % json.dumps(reply))
            self.expect_alive(server, client, "while the disk is full")

            self.mount.control("space unlimited")
            last_before = max(self.acked)
            for i in range(20):
                reply = self.publish(client)
                if "error" in reply:
                    raise Failure("publish after space was freed failed: %s" % json.dumps(reply))
                if reply["seq"] != last_before + i + 1:
                    raise Failure("after the full disk the sequence is %d, want %d" % (reply["seq"], last_before + i + 1))
            self.expect_alive(server, client, "after space was freed")
            log("publishing again after space was freed; %d acknowledged in all" % len(self.acked))
        finally:
            client.close()
            server.kill()
        dropped = self.mount.power_cut()
        log("kill -9 and power cut: dropped %s" % dropped)

        server, client = self.start_server()
        try:
            self.expect_alive(server, client, "after the restart")
            found, errors = client.get_many(STREAM, range(1, max(self.acked) + 1))
            lost = sorted(seq for seq in self.acked if seq not in found)
            wrong = sorted(seq for seq in self.acked if seq in found and found[seq][1] != self.acked[seq])
            extra = sorted(seq for seq in found if seq not in self.acked)
            if lost or wrong or extra:
                raise Failure("after the restart: lost %s, wrong payload %s, never acknowledged %s (errors: %s)"
                              % (lost[:10], wrong[:10], extra[:10], json.dumps(list(errors.items())[:3])))
            log_text = server.log_text().lower()
            if "corrupt" in log_text:
                raise Failure("the restarted server reports corruption:\n" + server.log_tail())
            log("every one of the %d acknowledged messages is served after the restart" % len(self.acked))
        finally:
            client.close()
            server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--config", default="", help="config text for the server (e.g. 'jetstream { file_backend: rocksdb }')")
    parser.add_argument("--python", default=harness.system_python())
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="nmk-full-disk-")
    run = Run(args, work)
    try:
        run.run()
        print("PASSED")
        return 0
    except Skip as reason:
        print("SKIPPED: %s" % reason)
        return harness.SKIP
    except Failure as failure:
        print("FAILED: %s" % failure)
        print("files:\n" + harness.list_files(run.mount.backing))
        return 1
    finally:
        run.mount.unmount()
        if not harness.is_mounted(run.mount.mount_point):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
