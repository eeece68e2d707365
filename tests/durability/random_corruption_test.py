#!/usr/bin/env python3
"""Random corruption rounds: one bit flipped, or one file cut short, anywhere in a store.

Each round starts a server on a fresh store (the file store, or another backend through
--config), publishes messages of several subjects with acks, stops it (SIGTERM; every
second round kill -9, so that logs and unsynced tails hold data too), then picks one file
of the store (every kind in turn: block, index, meta and consumer files of the file store;
table, log, MANIFEST, CURRENT and OPTIONS files of RocksDB) and either flips one random
bit at a random offset or truncates it at a random length. Then it restarts the server on
the damaged store and checks:
  - the server starts and JetStream answers (a damaged store never stops the server);
  - every message served has exactly the subject and payload that was published (damage
    is never served as a valid message);
  - when a message is missing or the stream is gone, the damage was detected: the log
    says so, and /jsz counts the records found corrupt when messages were refused;
  - the stream (when it is still there) takes a new publish and serves it back;
  - the server stops cleanly afterwards.

    random_corruption_test.py --server build/bin/nats-server --rounds 6
    random_corruption_test.py --server build/bin/nats-server --config 'jetstream { file_backend: rocksdb }'

Options: --rounds N (or NMK_CORRUPTION_ROUNDS), --seed N (or NMK_CORRUPTION_SEED;
printed, to replay a run), --keep. Prints one summary line of JSON at the end (rounds,
injected, harmless, detected, undetected, wrong, problems). Exit 0 passed, 1 failed.
"""

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, log  # noqa: E402

STREAM = "DAMAGE"
SUBJECTS = ["damage.a", "damage.b", "damage.c", "damage.d.x", "damage.e"]
COUNT = 240
# Words the stores use when they report damage (file store: "failed its checksum",
# "unreadable bytes", "torn"; RocksDB store: "damaged", "Corruption").
DETECTED = re.compile(r"corrupt|damaged|checksum|unreadable|torn|truncat|mismatch|repair", re.IGNORECASE)
# Files that hold no data of the stream (RocksDB's lock, our own log lines).
SKIPPED = {"LOCK", "LOG"}


def payload_of(round_no, seq):
    rng = random.Random(round_no * 100003 + seq)
    size = rng.choice([16, 100, 700, 3000])
    return (b"r%d-s%d-" % (round_no, seq)) + bytes(rng.randrange(97, 123) for _ in range(size))


def store_files(store):
    out = []
    for folder, _, files in os.walk(store):
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name in SKIPPED or name.startswith("LOG.old") or os.path.getsize(path) == 0:
                continue
            out.append(path)
    return sorted(out)


def kind_of(path):
    """The file kind, so that rounds go through every kind in turn."""
    name = os.path.basename(path)
    for prefix in ("MANIFEST", "OPTIONS", "CURRENT", "IDENTITY"):
        if name.startswith(prefix):
            return prefix
    ext = os.path.splitext(name)[1]
    return ext or name


def damage(rng, files, round_no):
    kinds = sorted({kind_of(f) for f in files})
    kind = kinds[round_no % len(kinds)]
    path = rng.choice([f for f in files if kind_of(f) == kind])
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        # Only where the file holds something: a preallocated block is mostly zeros past its end.
        used = len(f.read().rstrip(b"\0")) or size
        if rng.random() < 0.7:
            offset = rng.randrange(used)
            bit = rng.randrange(8)
            f.seek(offset)
            byte = f.read(1)[0]
            f.seek(offset)
            f.write(bytes([byte ^ (1 << bit)]))
            return "bit %d of byte %d of %d flipped in %s" % (bit, offset, size, path)
        length = rng.randrange(used)
        f.truncate(length)
        return "cut from %d to %d bytes: %s" % (size, length, path)


def jsz_corrupt(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/jsz" % port, timeout=10) as reply:
        return json.loads(reply.read()).get("corrupt_records", 0)


class Rounds:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.totals = {"rounds": 0, "injected": 0, "harmless": 0, "detected": 0, "cut_tail": 0, "undetected": 0, "wrong": 0,
                       "stream_lost": 0, "problems": 0}

    def server(self, store, name):
        extra = ["-m", str(harness.free_port())]
        if self.args.config:
            path = os.path.join(self.work, "server.conf")
            with open(path, "w") as f:
                f.write(self.args.config + "\n")
            extra += ["-c", path]
        server = harness.Server(self.args.server, store, os.path.join(self.work, name), extra)
        server.http_port = int(extra[1])
        return server

    def fill(self, round_no, store):
        server = self.server(store, "round-%d-fill.log" % round_no)
        server.start()
        client = harness.Client(server.port, timeout=20.0)
        try:
            client.js_ready()
            created = client.js("$JS.API.STREAM.CREATE." + STREAM,
                                {"name": STREAM, "subjects": ["damage.>"], "storage": "file"})
            if "error" in created:
                raise Failure("stream create failed: %s" % json.dumps(created))
            for seq in range(1, COUNT + 1):
                ack = json.loads(client.request(SUBJECTS[seq % len(SUBJECTS)], payload_of(round_no, seq)).payload)
                if ack.get("seq") != seq:
                    raise Failure("publish %d acknowledged as %s" % (seq, ack))
        finally:
            client.close()
            if round_no % 2 == 1:
                server.kill()
            else:
                server.stop()

    def check(self, round_no, store, what):
        server = self.server(store, "round-%d-check.log" % round_no)
        problems = []
        server.start()
        client = harness.Client(server.port, timeout=20.0)
        try:
            client.js_ready()
            info = client.js("$JS.API.STREAM.INFO." + STREAM)
            missing = []
            if "error" in info:
                self.totals["stream_lost"] += 1
                missing = list(range(1, COUNT + 1))
            else:
                found, errors = client.get_many(STREAM, range(1, COUNT + 1))
                for seq in range(1, COUNT + 1):
                    if seq not in found:
                        missing.append(seq)
                    elif found[seq] != (SUBJECTS[seq % len(SUBJECTS)], payload_of(round_no, seq)):
                        self.totals["wrong"] += 1
                        problems.append("seq %d served with other content: %r" % (seq, found[seq][1][:40]))
                ack = json.loads(client.request("damage.after", b"after the damage").payload)
                if "error" in ack or not ack.get("seq"):
                    problems.append("the publish after the damage was refused: %s" % ack)
                else:
                    get = client.js("$JS.API.STREAM.MSG.GET." + STREAM, {"seq": ack["seq"]})
                    if "message" not in get:
                        problems.append("the message published after the damage is not served: %s" % get)
            counted = jsz_corrupt(server.http_port)
        finally:
            client.close()
            server.stop()
        if server.process.returncode not in (0, None):
            problems.append("the server exited with %s at SIGTERM" % server.process.returncode)
        text = server.log_text()
        reports = [line for line in text.splitlines() if ("[ERR]" in line or "[WRN]" in line) and DETECTED.search(line)]
        if not missing:
            self.totals["harmless"] += 1
            outcome = "nothing lost"
        elif reports:
            self.totals["detected"] += 1
            outcome = "%d missing, detected: %s" % (len(missing), reports[0][-160:])
            if "error" not in info and counted == 0 and any("never served" in line for line in reports):
                problems.append("the log reports damage but /jsz counts no corrupt record")
        elif what.startswith("cut") and missing == list(range(missing[0], COUNT + 1)):
            # A file cut short loses its tail, which no store can tell from a torn write of
            # data that was never synced (README.md, "Findings"): only the end may go.
            self.totals["cut_tail"] += 1
            outcome = "%d missing from %d to the end (a cut tail, like a torn write)" % (len(missing), missing[0])
        else:
            self.totals["undetected"] += 1
            outcome = "%d missing (%s...), NOT detected" % (len(missing), missing[:5])
            problems.append("messages %s... missing and nothing in the log says why" % missing[:5])
        log("round %d: %s -> %s; /jsz corrupt_records %d" % (round_no, what, outcome, counted))
        return problems

    def run(self):
        rng = random.Random(self.args.seed)
        failures = []
        for round_no in range(self.args.rounds):
            store = os.path.join(self.work, "store-%d" % round_no)
            self.fill(round_no, store)
            files = store_files(store)
            what = damage(rng, files, round_no)
            self.totals["rounds"] += 1
            self.totals["injected"] += 1
            problems = self.check(round_no, store, what)
            failures += ["round %d (%s): %s" % (round_no, what, p) for p in problems]
            if not problems and not self.args.keep:
                shutil.rmtree(store, ignore_errors=True)
        self.totals["problems"] = len(failures)
        return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--config", default="", help="config text, e.g. 'jetstream { file_backend: rocksdb }'")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("NMK_CORRUPTION_ROUNDS", "6")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("NMK_CORRUPTION_SEED", random.randrange(1 << 30))))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    log("seed %d, %d rounds, config %r" % (args.seed, args.rounds, args.config))
    work = tempfile.mkdtemp(prefix="nmk-random-damage-")  # no report word in the paths the log prints
    rounds = Rounds(args, work)
    keep = args.keep
    try:
        failures = rounds.run()
        for failure in failures:
            log("PROBLEM: " + failure)
        print("summary: " + json.dumps(dict(rounds.totals, seed=args.seed, config=args.config)))
        if failures:
            keep = True
            log("FAILED; work dir kept: %s" % work)
            return 1
        log("PASSED")
        return 0
    except (Failure, OSError, TimeoutError, ValueError) as error:
        keep = True
        print("summary: " + json.dumps(dict(rounds.totals, seed=args.seed, config=args.config)))
        log("FAILED: %s: %s; work dir kept: %s" % (type(error).__name__, error, work))
        return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
