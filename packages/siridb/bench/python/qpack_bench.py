"""Times python3-qpack (Debian's C extension) on the payloads of bench/qpack.bench.ts.

stdin: one JSON line, a list of {"name", "decode_len", "encode_len", "decode_iterations",
"encode_iterations"}, then for each entry `decode_len` bytes to decode and `encode_len` bytes that
the packed value must equal (our canonical encoding of the same value). Then one line per round:
"round" runs every payload's decode and encode loops once and prints one JSON line, a list of
{"name", "decode_s", "encode_s", "same_bytes"}; "quit" (or the end of stdin) stops. Only the loops
are timed, with time.perf_counter. The rounds interleave with the Node side's, so both see the same
machine load.
"""

import json
import sys
import time

import qpack


def read_exact(stream, n):
    data = stream.read(n)
    if len(data) != n:
        raise EOFError("short read")
    return data


def main():
    stdin = sys.stdin.buffer
    spec = json.loads(stdin.readline())
    payloads = []
    for entry in spec:
        to_decode = read_exact(stdin, entry["decode_len"])
        canonical = read_exact(stdin, entry["encode_len"])
        value = qpack.unpackb(to_decode, decode="utf-8")
        payloads.append((entry, to_decode, value, qpack.packb(value) == canonical))
        for _ in range(3):  # warm-up
            qpack.packb(qpack.unpackb(to_decode, decode="utf-8"))

    while True:
        command = stdin.readline().strip()
        if command != b"round":
            break
        results = []
        for entry, to_decode, value, same in payloads:
            start = time.perf_counter()
            for _ in range(entry["decode_iterations"]):
                qpack.unpackb(to_decode, decode="utf-8")
            decode_s = time.perf_counter() - start
            start = time.perf_counter()
            for _ in range(entry["encode_iterations"]):
                qpack.packb(value)
            encode_s = time.perf_counter() - start
            results.append({"name": entry["name"], "decode_s": decode_s, "encode_s": encode_s, "same_bytes": same})
        sys.stdout.write(json.dumps(results) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
