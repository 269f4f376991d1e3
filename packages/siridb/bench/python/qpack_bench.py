"""Times python3-qpack (Debian's C extension) on the payloads of bench/qpack.bench.ts.

stdin: one JSON line, a list of {"name", "decode_len", "encode_len", "round_s"}, then for each
entry `decode_len` bytes to decode and `encode_len` bytes that the packed value must equal (our
canonical encoding of the same value). Each payload's iteration counts are calibrated here so that
one round of one operation takes about `round_s` seconds (after a warm-up of about 0.2 s).

Then one line per round: "round" runs every payload's decode and encode loops once and prints one
JSON line, a list of {"name", "decode_s", "decode_n", "decode_faults", "encode_s", "encode_n",
"encode_faults", "same_bytes"} (faults: minor page faults during the loop); "quit" (or the end of
stdin) stops. Only the loops are timed, with time.perf_counter. The rounds interleave
with the Node side's, so both see the same machine load.
"""

import json
import resource
import sys
import time

import qpack

MAX_ITERATIONS = 2_000_000
# qpack bytes decoded into fresh values per chunk of the encode loop: small enough that the copies
# are still in the CPU caches when they are packed, as data an application just built would be
FRESH_COPY_BYTES = 64 << 10


def read_exact(stream, n):
    data = stream.read(n)
    if len(data) != n:
        raise EOFError("short read")
    return data


def faults():
    """Minor page faults of this process so far (fresh memory touched for the first time)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def time_decode(data, n):
    """Seconds and page faults of `n` decodes."""
    unpackb = qpack.unpackb  # a local: the loop times the call, not a global lookup
    faults_before = faults()
    start = time.perf_counter()
    for _ in range(n):
        unpackb(data, decode="utf-8")
    return time.perf_counter() - start, faults() - faults_before


def has_non_ascii(value):
    if isinstance(value, str):
        return not value.isascii()
    if isinstance(value, (list, tuple)):
        return any(has_non_ascii(item) for item in value)
    if isinstance(value, dict):
        return any(has_non_ascii(k) or has_non_ascii(v) for k, v in value.items())
    return False


def time_encode_same(value, n):
    packb = qpack.packb
    faults_before = faults()
    start = time.perf_counter()
    for _ in range(n):
        packb(value)
    return time.perf_counter() - start, faults() - faults_before


def time_encode_fresh(data, n):
    """Packs `n` freshly decoded copies of the value; only packb is timed.

    A real insert packs str objects python has not packed before: python keeps the UTF-8 form of
    a non-ASCII str once it has made it, so packing the same value again would only copy bytes
    (an ASCII str is its own UTF-8: no difference). The copies are made (and dropped) in chunks
    outside the timed loops.
    """
    packb = qpack.packb
    unpackb = qpack.unpackb
    per_chunk = max(1, min(n, FRESH_COPY_BYTES // max(1, len(data))))
    elapsed = 0.0
    faulted = 0
    done = 0
    while done < n:
        copies = None  # drops the previous chunk before the next is made
        copies = [unpackb(data, decode="utf-8") for _ in range(min(per_chunk, n - done))]
        faults_before = faults()
        start = time.perf_counter()
        for value in copies:
            packb(value)
        elapsed += time.perf_counter() - start
        faulted += faults() - faults_before
        done += len(copies)
    return elapsed, faulted


def calibrate(timer, arg, round_s):
    """Warms up for about 0.2 s and returns the iterations that take about `round_s`."""
    n = 1
    while True:
        elapsed = timer(arg, n)[0]
        if elapsed >= 0.2:
            break
        n = max(2 * n, int(n * 0.25 / max(elapsed, 1e-6)))
    return max(1, min(MAX_ITERATIONS, round(round_s * n / elapsed)))


def main():
    stdin = sys.stdin.buffer
    spec = json.loads(stdin.readline())
    payloads = []
    for entry in spec:
        to_decode = read_exact(stdin, entry["decode_len"])
        canonical = read_exact(stdin, entry["encode_len"])
        value = qpack.unpackb(to_decode, decode="utf-8")
        same = qpack.packb(value) == canonical
        if has_non_ascii(value):
            encode, encode_arg = time_encode_fresh, to_decode
        else:
            encode, encode_arg = time_encode_same, value
        decode_n = calibrate(time_decode, to_decode, entry["round_s"])
        encode_n = calibrate(encode, encode_arg, entry["round_s"])
        payloads.append((entry, to_decode, decode_n, encode, encode_arg, encode_n, same))
    sys.stdout.write("ready\n")
    sys.stdout.flush()

    while True:
        command = stdin.readline().strip()
        if command != b"round":
            break
        results = []
        for entry, to_decode, decode_n, encode, encode_arg, encode_n, same in payloads:
            decode_s, decode_faults = time_decode(to_decode, decode_n)
            encode_s, encode_faults = encode(encode_arg, encode_n)
            results.append(
                {
                    "name": entry["name"],
                    "decode_s": decode_s,
                    "decode_n": decode_n,
                    "decode_faults": decode_faults,
                    "encode_s": encode_s,
                    "encode_n": encode_n,
                    "encode_faults": encode_faults,
                    "same_bytes": same,
                }
            )
        sys.stdout.write(json.dumps(results) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
