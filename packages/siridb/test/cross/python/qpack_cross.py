"""Cross-check helper for @conn/siridb's qpack, run with Debian's /usr/bin/python3 and python3-qpack.

Usage:
  qpack_cross.py decode   stdin: frames (uint32 LE length + qpack bytes);
                          stdout: one tagged-JSON line per frame, the value python3-qpack decoded
  qpack_cross.py encode   stdin: one tagged-JSON value per line;
                          stdout: one line per value, the hex of qpack.packb(value)
  qpack_cross.py info     stdout: JSON with qpack's version and file

Tagged JSON keeps ints, floats, text and bytes apart:
  {"i": "<decimal>"}  int          {"f": "<16 hex digits, float64 LE>"} or {"f": "nan"}  float
  {"s": "<text>"}     str          {"r": "<hex>"}  bytes (decode mode reports every raw as bytes)
  {"b": true|false}   bool         {"n": 1}  None
  {"a": [...]}        list         {"m": [[key, value], ...]}  dict, in wire order
A frame python3-qpack cannot handle yields {"err": "<ExceptionType>: <message>"}.
"""

import json
import math
import struct
import sys

import qpack


def tag(value):
    if value is None:
        return {"n": 1}
    if isinstance(value, bool):
        return {"b": value}
    if isinstance(value, int):
        return {"i": str(value)}
    if isinstance(value, float):
        return {"f": "nan" if math.isnan(value) else struct.pack("<d", value).hex()}
    if isinstance(value, (bytes, bytearray)):
        return {"r": bytes(value).hex()}
    if isinstance(value, str):
        return {"s": value}
    if isinstance(value, (list, tuple)):
        return {"a": [tag(item) for item in value]}
    if isinstance(value, dict):
        return {"m": [[tag(k), tag(v)] for k, v in value.items()]}
    raise TypeError("cannot tag %r" % type(value))


def untag(node):
    if "i" in node:
        return int(node["i"])
    if "f" in node:
        if node["f"] == "nan":
            return float("nan")
        return struct.unpack("<d", bytes.fromhex(node["f"]))[0]
    if "s" in node:
        return node["s"]
    if "r" in node:
        return bytes.fromhex(node["r"])
    if "b" in node:
        return bool(node["b"])
    if "n" in node:
        return None
    if "a" in node:
        return [untag(item) for item in node["a"]]
    if "m" in node:
        return {untag(k): untag(v) for k, v in node["m"]}
    raise ValueError("unknown tag %r" % (node,))


def read_exact(stream, n):
    data = stream.read(n)
    if len(data) != n:
        raise EOFError("short read")
    return data


def decode_mode():
    stdin = sys.stdin.buffer
    out = sys.stdout
    while True:
        head = stdin.read(4)
        if not head:
            break
        if len(head) != 4:
            raise EOFError("short frame header")
        (n,) = struct.unpack("<I", head)
        frame = read_exact(stdin, n)
        try:
            line = json.dumps(tag(qpack.unpackb(frame)), ensure_ascii=True)
        except Exception as exc:  # noqa: BLE001 - report every failure as data
            line = json.dumps({"err": "%s: %s" % (type(exc).__name__, exc)})
        out.write(line)
        out.write("\n")
    out.flush()


def encode_mode():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out.write(qpack.packb(untag(json.loads(line))).hex())
        except Exception as exc:  # noqa: BLE001
            out.write("!%s: %s" % (type(exc).__name__, exc))
        out.write("\n")
    out.flush()


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "decode":
        decode_mode()
    elif mode == "encode":
        encode_mode()
    elif mode == "info":
        print(json.dumps({"version": getattr(qpack, "__version__", "?"), "file": qpack.__file__}))
    else:
        sys.exit("usage: qpack_cross.py decode|encode|info")


if __name__ == "__main__":
    main()
