#!/usr/bin/env python3
"""kill -9 while a pull consumer acks: no acknowledged consumer ack is undone.

Each cycle starts the server on the same store (the file store, or another backend with
--config), publishes 500 messages with acks, then pulls from the durable consumer D
(explicit acks) in batches and acks each message with a reply subject (nats-server's
"double ack": the server answers once the ack is taken). After a random number of
confirmed acks (100 to 400), with more acks in flight, the server is killed (SIGKILL).
Checked on every restart and at the end:
  - no message whose ack was confirmed is ever delivered again (an ack undone);
  - every acknowledged publish is in the stream with its payload, no gaps;
  - the consumer's ack floor is at least the last sequence below which every ack was
    confirmed.
Messages delivered but not (confirmed) acked may come again: at least once.

    consumer_kill_test.py --server build/bin/nats-server --cycles 3
    consumer_kill_test.py --server build/bin/nats-server --config 'jetstream { file_backend: rocksdb }'

Options: --cycles N (or NMK_CONSUMER_KILL_CYCLES), --seed N. Prints a JSON summary line.
Exit 0 passed, 1 failed.
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
from harness import Failure, log  # noqa: E402

STREAM = "KILLC"
CONSUMER = "D"


def payload(n):
    return ("kc-%07d-" % n).encode() + bytes((n * 7 + i) % 251 for i in range(64))


class Run:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.store = os.path.join(work, "store")
        self.rng = random.Random(args.seed)
        self.published = {}  # seq -> payload
        self.sent = 0
        self.confirmed = set()  # stream sequences whose ack the server confirmed
        self.redelivered_ok = 0
        self.runs = 0

    def start(self):
        self.runs += 1
        extra = []
        if self.args.config:
            path = os.path.join(self.work, "server.conf")
            with open(path, "w") as f:
                f.write(self.args.config + "\n")
            extra = ["-c", path]
        server = harness.Server(self.args.server, self.store, os.path.join(self.work, "server-%d.log" % self.runs), extra)
        server.start()
        client = harness.Client(server.port, timeout=20.0)
        client.js_ready()
        return server, client

    def publish(self, client, count):
        for _ in range(count):
            data = payload(self.sent)
            self.sent += 1
            ack = json.loads(client.request("killc.data", data).payload)
            if "error" in ack:
                raise Failure("publish refused: %s" % json.dumps(ack))
            self.published[ack["seq"]] = data

    def check_stream(self, client, when):
        info = client.js("$JS.API.STREAM.INFO." + STREAM)
        state = info.get("state", {})
        if state.get("messages") != state.get("last_seq") or state.get("last_seq", 0) < max(self.published, default=0):
            raise Failure("%s: stream state %s, %d acknowledged up to %d" % (when, state, len(self.published),
                                                                             max(self.published, default=0)))
        found, errors = client.get_many(STREAM, sorted(self.published))
        lost = [s for s in self.published if s not in found or found[s][1] != self.published[s]]
        if lost:
            raise Failure("%s: acknowledged publishes lost: %s" % (when, lost[:10]))

    def floor_of_confirmed(self):
        n = 0
        while n + 1 in self.confirmed:
            n += 1
        return n

    def check_consumer(self, client, when):
        info = client.js("$JS.API.CONSUMER.INFO.%s.%s" % (STREAM, CONSUMER))
        if "error" in info:
            raise Failure("%s: consumer info: %s" % (when, json.dumps(info)))
        floor = info["ack_floor"]["stream_seq"]
        if floor < self.floor_of_confirmed():
            raise Failure("%s: ack floor %d, but every ack up to %d was confirmed (an ack undone)"
                          % (when, floor, self.floor_of_confirmed()))

    def consume(self, server, client, target):
        """Pulls and double-acks until `target` acks were confirmed this cycle, then kills."""
        confirmed_now = 0
        # The harness's client is subscribed to all its inboxes. Deliveries carry the
        # stream subject and a $JS.ACK reply; ack confirmations come to their own inbox.
        inbox = client.inbox()
        pending_acks = {}  # reply subject -> stream seq
        deadline = time.monotonic() + 30
        while confirmed_now < target and time.monotonic() < deadline:
            request = json.dumps({"batch": 50, "expires": 500_000_000}).encode()
            client.publish("$JS.API.CONSUMER.MSG.NEXT.%s.%s" % (STREAM, CONSUMER), request, inbox)
            got = 0
            while got < 50:
                try:
                    m = client.next_message(2.0)
                except (TimeoutError, OSError):
                    break
                if m.reply and m.reply.startswith("$JS.ACK."):
                    got += 1
                    seq = int(m.reply.split(".")[5])
                    if seq in self.confirmed:
                        raise Failure("stream seq %d delivered again after its ack was confirmed (an ack undone)" % seq)
                    reply = client.inbox()
                    pending_acks[reply] = seq
                    client.publish(m.reply, b"+ACK", reply)
                elif m.subject in pending_acks:
                    self.confirmed.add(pending_acks.pop(m.subject))
                    confirmed_now += 1
                    if confirmed_now >= target:
                        break
                elif m.subject == inbox:
                    break  # a status (408 request timeout, 404 no messages)
            if got == 0 and not pending_acks:
                break
        # Kill with acks still in flight: those are not confirmed, so they may come again.
        server.kill()
        return confirmed_now

    def run(self):
        totals = {"cycles": 0, "published": 0, "acks_confirmed": 0, "acks_undone": 0}
        for cycle in range(self.args.cycles):
            server, client = self.start()
            try:
                if cycle == 0:
                    r = client.js("$JS.API.STREAM.CREATE." + STREAM,
                                  {"name": STREAM, "subjects": ["killc.>"], "storage": "file"})
                    if "error" in r:
                        raise Failure("stream create: %s" % json.dumps(r))
                    r = client.js("$JS.API.CONSUMER.DURABLE.CREATE.%s.%s" % (STREAM, CONSUMER),
                                  {"stream_name": STREAM, "config": {"durable_name": CONSUMER, "ack_policy": "explicit",
                                                                     "ack_wait": 60_000_000_000, "max_ack_pending": 100000}})
                    if "error" in r:
                        raise Failure("consumer create: %s" % json.dumps(r))
                else:
                    self.check_stream(client, "after restart %d" % cycle)
                    self.check_consumer(client, "after restart %d" % cycle)
                self.publish(client, 500)
                target = self.rng.randint(100, 400)
                confirmed = self.consume(server, client, target)
                log("cycle %d: %d published in all, %d acks confirmed this cycle (%d in all), killed"
                    % (cycle, len(self.published), confirmed, len(self.confirmed)))
                totals["cycles"] += 1
            finally:
                client.close()
                server.kill()
        server, client = self.start()
        try:
            self.check_stream(client, "at the end")
            self.check_consumer(client, "at the end")
            # Everything still to come: nothing confirmed among it.
            self.consume(server, client, 10**9)
        finally:
            client.close()
            server.kill()
        totals.update(published=len(self.published), acks_confirmed=len(self.confirmed))
        return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--config", default="")
    parser.add_argument("--cycles", type=int, default=int(os.environ.get("NMK_CONSUMER_KILL_CYCLES", "3")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("NMK_CONSUMER_KILL_SEED", random.randrange(1 << 30))))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    log("seed %d, %d cycles, config %r" % (args.seed, args.cycles, args.config))
    work = tempfile.mkdtemp(prefix="nmk-consumer-kill-")
    keep = args.keep
    try:
        totals = Run(args, work).run()
        print("summary: " + json.dumps(dict(totals, seed=args.seed, config=args.config)))
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
