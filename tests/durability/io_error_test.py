#!/usr/bin/env python3
"""I/O-error test: writes or fsyncs of the store fail with EIO while the server runs.

The server runs with fault_shim.so preloaded (LD_PRELOAD): while a control file exists,
write/pwrite/writev (mode "write") or fsync/fdatasync (mode "fsync") on the store's
regular files fail with EIO. For each mode in turn the test:
  - publishes with acks while the fault is on: every PubAck must be a JetStream error,
    never an acknowledgement (an fsync failure is never followed by an ack of data it
    did not make durable), and the shim must have refused something;
  - checks that reads go on: STREAM.INFO answers and every message acknowledged before
    is served with its payload; the server is still running;
  - turns the fault off and publishes again: publishing must work again, in the same
    process when the store recovers by itself, otherwise after a restart (the test says
    which it needed);
and at the end kills the server (kill -9), restarts it and checks that every
acknowledged message is served with its payload.

    io_error_test.py --server build/bin/nats-server --shim build/lib/libnmk_fault_shim.so
    io_error_test.py ... --config 'jetstream { file_backend: rocksdb }'

Exit codes: 0 passed, 1 failed.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, log  # noqa: E402

STREAM = "IOERR"
SUBJECT = "ioerr.data"


def payload(n):
    return ("io-%06d-" % n).encode() + bytes((n * 13 + i) % 251 for i in range(300))


class Run:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.store = os.path.join(work, "store")
        self.control = os.path.join(work, "fault")
        self.acked = {}  # seq -> payload
        self.published = 0
        self.runs = 0
        self.restarts_needed = []
        self.server = None

    def start(self):
        self.runs += 1
        extra = []
        if self.args.config:
            path = os.path.join(self.work, "server.conf")
            with open(path, "w") as f:
                f.write(self.args.config + "\n")
            extra = ["-c", path]
        saved = dict(os.environ)
        os.environ.update({"LD_PRELOAD": os.path.abspath(self.args.shim), "NMK_FAULT_CONTROL": self.control,
                           "NMK_FAULT_PREFIX": os.path.realpath(self.store)})
        try:
            server = harness.Server(self.args.server, self.store, os.path.join(self.work, "server-%d.log" % self.runs), extra)
            server.start()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        client = harness.Client(server.port, timeout=20.0)
        client.js_ready()
        self.server = server
        return server, client

    def publish(self, client):
        n = self.published
        self.published += 1
        data = payload(n)
        reply = json.loads(client.request(SUBJECT, data, timeout=20.0).payload)
        if "error" not in reply:
            if reply["seq"] in self.acked:
                raise Failure("sequence %d acknowledged twice" % reply["seq"])
            self.acked[reply["seq"]] = data
        return reply

    def refusals(self):
        try:
            return os.path.getsize(self.control + ".count")
        except OSError:
            return 0

    def check_reads(self, server, client, when):
        if server.process.poll() is not None:
            raise Failure("the server exited (%s) %s:\n%s" % (server.process.returncode, when, server.log_tail()))
        info = client.js("$JS.API.STREAM.INFO." + STREAM)
        if "error" in info or info.get("no_responders"):
            raise Failure("STREAM.INFO %s: %s" % (when, json.dumps(info)))
        found, errors = client.get_many(STREAM, sorted(self.acked))
        lost = [s for s in self.acked if s not in found or found[s][1] != self.acked[s]]
        if lost:
            raise Failure("%s: acknowledged messages not served as published: %s (errors %s)"
                          % (when, lost[:10], list(errors.items())[:3]))

    def fault_round(self, server, client, mode):
        with open(self.control, "w") as f:
            f.write(mode)
        before = self.refusals()
        replies = [self.publish(client) for _ in range(8)]
        acks = [r for r in replies if "error" not in r]
        if acks:
            raise Failure("with %s failing, publishes were acknowledged: %s" % (mode, json.dumps(acks[:3])))
        if self.refusals() == before:
            raise Failure("the shim refused nothing in mode %s: the fault was never met" % mode)
        log("%s failing: %d publishes refused (%s), %d refusals by the shim"
            % (mode, len(replies), json.dumps(replies[0].get("error")), self.refusals() - before))
        self.check_reads(server, client, "while %s fails" % mode)
        os.remove(self.control)
        for attempt in range(20):
            reply = self.publish(client)
            if "error" not in reply:
                log("%s: publishing works again in the same process (after %d refused)" % (mode, attempt))
                return server, client
            time.sleep(0.1)
        log("%s: still refused after the fault stopped (%s); restarting" % (mode, json.dumps(reply.get("error"))))
        self.restarts_needed.append(mode)
        client.close()
        server.kill()
        server, client = self.start()
        reply = self.publish(client)
        if "error" in reply:
            raise Failure("after a restart publishing still fails: %s" % json.dumps(reply))
        return server, client

    def run(self):
        server, client = self.start()
        try:
            created = client.js("$JS.API.STREAM.CREATE." + STREAM, {"name": STREAM, "subjects": ["ioerr.>"], "storage": "file"})
            if "error" in created:
                raise Failure("stream create failed: %s" % json.dumps(created))
            for _ in range(30):
                reply = self.publish(client)
                if "error" in reply:
                    raise Failure("publish before any fault failed: %s" % json.dumps(reply))
            for mode in ("fsync", "write"):
                server, client = self.fault_round(server, client, mode)
            for _ in range(10):
                self.publish(client)
        finally:
            client.close()
            if self.server:
                self.server.kill()
        server, client = self.start()
        try:
            self.check_reads(server, client, "after kill -9 and a restart")
            if "error" in self.publish(client):
                raise Failure("publishing fails after the restart")
        finally:
            client.close()
            server.stop()
        log("%d acknowledged, all served after the restart; restarts needed to recover: %s"
            % (len(self.acked), self.restarts_needed or "none"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--shim", required=True)
    parser.add_argument("--config", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="nmk-io-error-")
    run = Run(args, work)
    keep = args.keep
    try:
        run.run()
        print("PASSED")
        return 0
    except (Failure, OSError, TimeoutError, ValueError) as error:
        keep = True
        print("FAILED: %s: %s; work dir kept: %s" % (type(error).__name__, error, work))
        return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
