#!/usr/bin/env python3
"""Power-cut test: no acknowledged JetStream message is lost when unsynced writes are.

The server runs with its store on lazyfs.py, a FUSE filesystem that keeps every write in
memory until fsync. Each cycle publishes with a window of acknowledged publishes in
flight, then, at a random point, kills the server with SIGKILL and cuts the power (every
unsynced write is dropped), restarts the server on the same store and checks:
  - the stream's definition is there (name and subjects);
  - every acknowledged message is there with its payload, and so is every message that
    was served after an earlier cut (it was on disk then);
  - the stream has no gaps: messages == last - first + 1, every sequence in 1..last is
    served, with a payload that was really published (nothing half-written is served).

    power_cut_test.py --server build/bin/nats-server               (must lose nothing)
    power_cut_test.py --server /usr/sbin/nats-server --expect-loss (reports its losses)

--cut torn (NMK_POWER_CUT_MODE=torn) makes each cut harsher: a random half of the dirty
pages reaches the disk first, as when the kernel was part way through writing back;
--cut mixed alternates. --writeback-after-create writes every page back once the stream
exists, so that a server that never fsyncs its stream definition still keeps it.

Exit codes: 0 passed (with --expect-loss: losses were found and reported), 1 failed (with
--expect-loss: nothing was lost, so the cut cannot have worked), 77 skipped (no FUSE or no fusepy). Cycles: --cycles, or NMK_POWER_CUT_CYCLES (default 3).
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, Skip, log  # noqa: E402

STREAM = "PCUT"
SUBJECT = "pcut.data"
WINDOW = 64


class Run:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.rng = random.Random(args.seed)
        self.mount = harness.LazyMount(args.python, os.path.join(work, "backing"), os.path.join(work, "mnt"),
                                       os.path.join(work, "lazyfs.log"))
        self.store = os.path.join(self.mount.mount_point, "store")
        self.durable = {}  # seq -> payload: acknowledged, or served after an earlier cut
        self.published = set()  # every payload ever sent: anything else served is garbage
        self.stream_exists = False
        self.totals = {"cycles": 0, "acked": 0, "lost": 0, "wrong_payload": 0, "garbage": 0, "gaps": 0,
                       "stream_lost": 0, "start_failures": 0, "cuts_that_dropped_data": 0}
        self.problems = []
        self.server_runs = 0

    # --- one server run -------------------------------------------------------------

    def start_server(self):
        self.server_runs += 1
        extra = []
        if self.args.config:
            # Server settings beyond -js -sd (e.g. the RocksDB backend), as a config file.
            path = os.path.join(self.work, "server.conf")
            with open(path, "w") as f:
                f.write(self.args.config + "\n")
            extra = ["-c", path]
        server = harness.Server(self.args.server, self.store,
                                os.path.join(self.work, "server-%d.log" % self.server_runs), extra)
        server.start()
        try:
            client = harness.Client(server.port)
            client.js_ready()
        except BaseException:
            server.kill()
            raise
        return server, client

    def problem(self, text):
        self.problems.append(text)
        log("  PROBLEM: " + text)

    def verify(self, client, cycle):
        """After a restart: the stream and everything durable in it, with no gaps."""
        info = client.js("$JS.API.STREAM.INFO." + STREAM)
        if "error" in info:
            self.totals["stream_lost"] += 1
            self.totals["lost"] += len(self.durable)
            self.problem("cycle %d: the stream definition is gone (%s); %d durable messages with it"
                         % (cycle, info["error"].get("description"), len(self.durable)))
            self.durable.clear()
            self.stream_exists = False
            return
        config, state = info["config"], info["state"]
        if config.get("name") != STREAM or config.get("subjects") != [SUBJECT.split(".")[0] + ".>"]:
            self.problem("cycle %d: stream config changed: %s" % (cycle, json.dumps(config)))
        first, last, messages = state["first_seq"], state["last_seq"], state["messages"]
        top = max(self.durable) if self.durable else 0
        if last < top:
            self.problem("cycle %d: last_seq %d is below the highest acknowledged sequence %d" % (cycle, last, top))
        if messages and first != 1:
            self.problem("cycle %d: first_seq is %d, nothing was ever removed" % (cycle, first))
        if messages and messages != last - first + 1:
            self.totals["gaps"] += last - first + 1 - messages
            self.problem("cycle %d: %d messages in %d..%d: a gap" % (cycle, messages, first, last))
        found, errors = client.get_many(STREAM, range(1, max(last, top) + 1))
        lost = sorted(seq for seq in self.durable if seq not in found)
        wrong = sorted(seq for seq, payload in self.durable.items() if seq in found and found[seq][1] != payload)
        garbage = sorted(seq for seq, (subject, payload) in found.items()
                         if subject != SUBJECT or payload not in self.published)
        missing = sorted(seq for seq in range(1, last + 1) if seq not in found and seq not in self.durable)
        if lost:
            self.totals["lost"] += len(lost)
            self.problem("cycle %d: %d acknowledged/durable messages lost: sequences %s (errors: %s)"
                         % (cycle, len(lost), ranges(lost), json.dumps(errors.get(lost[0]))))
        if wrong:
            self.totals["wrong_payload"] += len(wrong)
            self.problem("cycle %d: %d messages with another payload: %s" % (cycle, len(wrong), ranges(wrong)))
        if garbage:
            self.totals["garbage"] += len(garbage)
            self.problem("cycle %d: %d messages served that were never published: %s"
                         % (cycle, len(garbage), ranges(garbage)))
        if missing:
            self.totals["gaps"] += len(missing)
            self.problem("cycle %d: sequences below last_seq %d not served: %s (%s)"
                         % (cycle, last, ranges(missing), json.dumps(errors.get(missing[0]))))
        counts = sum(1 for seq in found if seq not in self.durable)
        # What came back from disk after a cut was on stable storage: it must stay.
        for seq, (_, payload) in found.items():
            if seq not in lost:
                self.durable.setdefault(seq, payload)
        for seq in lost:
            self.durable.pop(seq, None)
        log("  restart %d: stream %d..%d, %d messages; %d durable checked, %d lost; %d unacknowledged survived"
            % (cycle, first, last, messages, len(self.durable), len(lost), counts))

    def create_stream(self, client):
        reply = client.js("$JS.API.STREAM.CREATE." + STREAM,
                          {"name": STREAM, "subjects": [SUBJECT.split(".")[0] + ".>"], "storage": "file"})
        if "error" in reply:
            raise Failure("stream create failed: %s" % json.dumps(reply))
        self.stream_exists = True
        if self.args.writeback_after_create:
            self.mount.control("sync")

    def publish_then_cut(self, server, client, cycle):
        """Publishes until a random number of acks arrived, then SIGKILL and power cut."""
        target = self.rng.randint(self.args.min_acks, self.args.max_acks)
        in_flight = {}  # reply subject -> payload
        acked = {}
        counter = [0]

        def send_one():
            filler = bytes(self.rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(self.rng.randint(0, 300)))
            payload = b"c%d-m%d-" % (cycle, counter[0]) + filler
            counter[0] += 1
            inbox = client.inbox()
            in_flight[inbox] = payload
            self.published.add(payload)
            client.publish(SUBJECT, payload, inbox)

        def take_ack(message):
            payload = in_flight.pop(message.subject, None)
            if payload is None:
                return False
            ack = json.loads(message.payload)
            if "error" in ack or ack.get("stream") != STREAM or "seq" not in ack:
                raise Failure("cycle %d: publish not acknowledged: %s" % (cycle, message.payload[:300]))
            seq = ack["seq"]
            if seq in acked or seq in self.durable:
                raise Failure("cycle %d: sequence %d acknowledged twice" % (cycle, seq))
            acked[seq] = payload
            return True

        for _ in range(WINDOW):
            send_one()
        deadline = time.monotonic() + self.args.publish_seconds
        while len(acked) < target and time.monotonic() < deadline:
            if take_ack(client.next_message(10)):
                send_one()
        # Kill at a moment when something written is not yet synced, if the server ever
        # leaves such a moment: otherwise the cut has nothing to drop. Publishing goes on
        # meanwhile (at most 200 looks, 2 s).
        for _ in range(200):
            if time.monotonic() > deadline + 2 or self.mount.dirty_bytes() > 0:
                break
            try:
                if take_ack(client.next_message(0.01)):
                    send_one()
            except TimeoutError:
                pass
        server.kill()
        # Acks the server sent before it died still count: read them from the socket.
        try:
            while True:
                take_ack(client.next_message(1))
        except (ConnectionError, TimeoutError, OSError):
            pass
        client.close()
        torn = self.args.cut == "torn" or (self.args.cut == "mixed" and cycle % 2 == 0)
        dropped = self.mount.power_cut("torn %d" % self.rng.randrange(1 << 30) if torn else "cut")
        if "bytes=0" not in dropped:
            self.totals["cuts_that_dropped_data"] += 1
        self.durable.update(acked)
        self.totals["acked"] += len(acked)
        log("cycle %d: %d acknowledged (%d never answered); %s power cut dropped %s"
            % (cycle, len(acked), len(in_flight), "torn" if torn else "clean", dropped))

    # --- the whole run ----------------------------------------------------------------

    def run(self):
        log("power-cut test: server %s, %d cycles, seed %d, work dir %s"
            % (self.args.server, self.args.cycles, self.args.seed, self.work))
        self.mount.mount()
        for cycle in range(self.args.cycles + 1):
            try:
                server, client = self.start_server()
            except (Failure, OSError) as error:  # OSError: refused, reset, timed out
                self.totals["start_failures"] += 1
                self.problem("cycle %d: the server did not come back: %s" % (cycle, error))
                return
            try:
                if cycle > 0:
                    self.verify(client, cycle)
                if cycle == self.args.cycles:
                    client.close()
                    break
                if not self.stream_exists:
                    self.create_stream(client)
                self.publish_then_cut(server, client, cycle + 1)
                self.totals["cycles"] += 1
            finally:
                server.kill()

    def report(self):
        files = harness.list_files(self.mount.backing)
        summary = dict(self.totals, server=self.args.server, seed=self.args.seed, problems=len(self.problems))
        log("summary: " + json.dumps(summary))
        if self.problems:
            log("store files now (backing dir %s):\n%s" % (self.mount.backing, files))
        return summary


def ranges(numbers):
    """[1,2,3,7] -> '1-3,7' (at most 20 runs shown)."""
    runs = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in runs[:20])
    return text + (",..." if len(runs) > 20 else "")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="the server binary (ours or nats-server)")
    parser.add_argument("--config", default="", help="config text for the server (e.g. 'jetstream { file_backend: rocksdb }')")
    parser.add_argument("--cycles", type=int, default=int(os.environ.get("NMK_POWER_CUT_CYCLES", "3")))
    parser.add_argument("--expect-loss", action="store_true",
                        help="report lost messages and stream definitions instead of failing (nats-server 2.9)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("NMK_POWER_CUT_SEED", "0")) or
                        random.SystemRandom().randrange(1, 1 << 31))
    parser.add_argument("--writeback-after-create", action="store_true",
                        help="write every dirty page back after creating the stream (as the kernel would "
                             "within 30 s), so that a server that never syncs its stream definition keeps it")
    parser.add_argument("--cut", choices=("clean", "torn", "mixed"),
                        default=os.environ.get("NMK_POWER_CUT_MODE", "clean"),
                        help="clean: drop every unsynced write; torn: first write back a random half of the "
                             "dirty pages; mixed: alternate")
    parser.add_argument("--min-acks", type=int, default=200)
    parser.add_argument("--max-acks", type=int, default=1500)
    parser.add_argument("--publish-seconds", type=float, default=10.0, help="at most this long per cycle")
    parser.add_argument("--python", default=harness.system_python(), help="the Python that runs lazyfs.py")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    return parser.parse_args()


def main():
    args = parse_args()
    if not os.access(args.server, os.X_OK):
        log("no server binary at %s" % args.server)
        return 1
    work = tempfile.mkdtemp(prefix="nmk-powercut-")
    run = Run(args, work)
    keep = args.keep
    try:
        run.run()
        run.report()
        if run.problems and not args.expect_loss:
            keep = True
            log("FAILED: %d problems; the store and server logs are kept in %s" % (len(run.problems), work))
            return 1
        if args.expect_loss and not run.problems:
            # nats-server 2.9 cannot pass this test; if it does, the cut did not cut.
            log("FAILED: --expect-loss, but nothing was lost: is lazyfs dropping unsynced writes?")
            return 1
        log("PASSED" + (" (the losses above were expected)" if args.expect_loss else ""))
        return 0
    except Skip as reason:
        log("SKIPPED: %s" % reason)
        return harness.SKIP
    except (Failure, OSError, TimeoutError, ValueError) as error:
        keep = True
        log("FAILED: %s: %s; work dir kept: %s" % (type(error).__name__, error, work))
        return 1
    finally:
        run.mount.unmount()
        if harness.is_mounted(run.mount.mount_point):
            log("WARNING: %s is still mounted" % run.mount.mount_point)
        elif not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
