#!/usr/bin/env python3
"""Corruption test: a damaged record of a closed file-store stream is never served.

Publishes 60 messages to a file stream, stops the server cleanly, damages records in the
block file on disk (plugins/store_file/record_format.hpp describes the layout), restarts
the server and checks through $JS.API.STREAM.MSG.GET that
  - each damaged message is refused (an error, never the damaged bytes),
  - every other message is served with its own payload,
  - the server logged each damaged sequence,
  - the stream takes new messages afterwards, after the last one it had.

Damage, one kind per record:
  payload   one byte of the payload flipped
  checksum  one byte of the stored checksum flipped
  time      one byte of the time field flipped
  subject   one byte of the subject flipped
--damage SEQ:KIND (repeatable) damages other records or fields instead; two more kinds:
  length    the low byte of the record length flipped (logged by offset, not sequence)
  sequence  the low byte of the sequence flipped: see README.md, "Findings"

    corruption_test.py --server build/bin/nats-server

Exit codes: 0 passed, 1 failed. Needs no FUSE: the store is in a plain directory.
"""

import argparse
import base64
import json
import os
import shutil
import struct
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Failure, log  # noqa: E402

STREAM = "CORRUPT"
SUBJECT = "corrupt.data"
COUNT = 60
HEADER = 28  # record_header_size
CHECKSUM = 8
KIND_MESSAGE = 1

# sequence -> the part of its record that gets one byte flipped
DAMAGE = {
    10: "payload",
    20: "checksum",
    30: "time",
    40: "subject",
}


def payload_of(seq):
    return b"message %03d " % seq + bytes((seq * 7 + i) % 26 + 97 for i in range(90))


def records(block):
    """(offset, length, kind, sequence, subject_size, headers_size) of every record."""
    at = 0
    while at + HEADER <= len(block):
        length, headers_size, sequence, _time, subject_size, kind = struct.unpack_from("<IIQqHB", block, at)
        if length == 0:
            return
        yield at, length, kind, sequence, subject_size, headers_size
        at += length


def damage_offset(kind, at, length, subject_size, headers_size):
    if kind == "payload":
        return at + HEADER + subject_size + headers_size + 5
    if kind == "checksum":
        return at + length - CHECKSUM + 3
    if kind == "time":
        return at + 16 + 2
    if kind == "subject":
        return at + HEADER + 1
    if kind == "sequence":
        return at + 8  # the low byte: the damaged record claims a nearby sequence
    if kind == "length":
        return at + 1
    raise ValueError(kind)


def find_msgs_dir(store):
    for folder, dirs, _ in os.walk(store):
        if os.path.basename(folder) == STREAM and "msgs" in dirs:
            return os.path.join(folder, "msgs")
    raise Failure("no %s/msgs directory under %s:\n%s" % (STREAM, store, harness.list_files(store)))


def damage_blocks(msgs_dir):
    """Flips the bytes; returns {seq: (file, offset)} of what was damaged."""
    damaged = {}
    for name in sorted(os.listdir(msgs_dir)):
        path = os.path.join(msgs_dir, name)
        with open(path, "r+b") as f:
            block = bytearray(f.read())
            for at, length, kind, sequence, subject_size, headers_size in list(records(block)):
                if kind != KIND_MESSAGE or sequence not in DAMAGE:
                    continue
                offset = damage_offset(DAMAGE[sequence], at, length, subject_size, headers_size)
                block[offset] ^= 0x5A
                damaged[sequence] = (name, offset)
            f.seek(0)
            f.write(block)
            f.flush()
            os.fsync(f.fileno())
    return damaged


def run(args, work):
    store = os.path.join(work, "store")
    server = harness.Server(args.server, store, os.path.join(work, "server-1.log"))
    server.start()
    try:
        client = harness.Client(server.port)
        client.js_ready()
        reply = client.js("$JS.API.STREAM.CREATE." + STREAM, {"name": STREAM, "subjects": ["corrupt.>"],
                                                               "storage": "file"})
        if "error" in reply:
            raise Failure("stream create failed: %s" % reply)
        for seq in range(1, COUNT + 1):
            message = client.request(SUBJECT, payload_of(seq))
            ack = json.loads(message.payload)
            if ack.get("seq") != seq:
                raise Failure("publish %d acknowledged as %s" % (seq, message.payload))
        client.close()
    finally:
        server.stop()

    damaged = damage_blocks(find_msgs_dir(store))
    if sorted(damaged) != sorted(DAMAGE):
        raise Failure("could not find the records to damage: found %s in %s" % (sorted(damaged), store))
    log("damaged: " + ", ".join("seq %d (%s) in %s at byte %d" % (seq, DAMAGE[seq], name, offset)
                                for seq, (name, offset) in sorted(damaged.items())))

    server = harness.Server(args.server, store, os.path.join(work, "server-2.log"))
    server.start()
    problems = []
    try:
        client = harness.Client(server.port)
        client.js_ready()
        found, errors = client.get_many(STREAM, range(1, COUNT + 1))
        for seq in range(1, COUNT + 1):
            if seq in DAMAGE:
                if seq in found:
                    problems.append("damaged seq %d (%s) was served: %r" % (seq, DAMAGE[seq], found[seq][1][:40]))
                else:
                    log("seq %d (%s): refused: %s" % (seq, DAMAGE[seq], errors[seq]))
            elif seq not in found:
                problems.append("intact seq %d not served: %s" % (seq, errors.get(seq)))
            elif found[seq] != (SUBJECT, payload_of(seq)):
                problems.append("intact seq %d served with other content: %r" % (seq, found[seq]))
        info = client.js("$JS.API.STREAM.INFO." + STREAM)
        state = info.get("state", {})
        if state.get("messages") != COUNT - len(DAMAGE) or state.get("last_seq") != COUNT:
            problems.append("stream state after restart: %s" % state)
        message = client.request(SUBJECT, b"after the damage")
        ack = json.loads(message.payload)
        if ack.get("seq") != COUNT + 1:
            problems.append("the next publish was acknowledged as %s, not seq %d" % (message.payload, COUNT + 1))
        get = client.js("$JS.API.STREAM.MSG.GET." + STREAM, {"seq": ack.get("seq", COUNT + 1)})
        if base64.b64decode(get.get("message", {}).get("data", "")) != b"after the damage":
            problems.append("the message published after the damage: %s" % get)
        client.close()
    finally:
        server.stop()
    text = server.log_text()
    for seq, (name, offset) in damaged.items():
        # A record whose length is damaged cannot be trusted for its sequence either: the
        # log then names the unreadable bytes by the record's offset.
        at = offset - 1 if DAMAGE[seq] == "length" else None
        if "sequence %d " % seq not in text and (at is None or "offset %d" % at not in text):
            problems.append("the server log does not name damaged seq %d" % seq)
    corrupt_lines = [line for line in text.splitlines() if "corrupt" in line]
    log("server log lines about corruption:\n  " + "\n  ".join(corrupt_lines[:10]))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--damage", action="append", default=[], metavar="SEQ:KIND",
                        help="damage these instead (kinds: payload checksum time subject sequence length)")
    args = parser.parse_args()
    if args.damage:
        DAMAGE.clear()
        for item in args.damage:
            seq, kind = item.split(":")
            DAMAGE[int(seq)] = kind
    work = tempfile.mkdtemp(prefix="nmk-corruption-")
    keep = args.keep
    try:
        problems = run(args, work)
        for problem in problems:
            log("PROBLEM: " + problem)
        if problems:
            keep = True
            log("FAILED; work dir kept: %s" % work)
            return 1
        log("PASSED")
        return 0
    except (Failure, OSError, TimeoutError, ValueError) as error:
        keep = True
        log("FAILED: %s: %s; work dir kept: %s" % (type(error).__name__, error, work))
        return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
