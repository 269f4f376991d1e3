"""Drives Debian's python3-siridb-connector (C qpack) for bench/client.bench.ts.

The first stdin line is the setup, as JSON: host, port, username, password, dbname, baseSeconds
and unitsPerSecond (the database's precision). The process connects, then answers every line
with one JSON line: {"ok": true, ...} or {"error": "..."}. Commands:

- {"op": "latency", "query": q, "count": n}: n sequential queries; "seconds" is each one's time.
- {"op": "concurrent", "query": q, "count": n}: n queries at once (asyncio.gather) on the one
  connection; "seconds" is the total.
- {"op": "insert", "prefix": p, "round": r, "batches": b, "series": s, "pointsPerSeries": n,
  "inFlight": k}: b inserts, each built inside the timed loop as a user would, k awaited at a time;
  "seconds" is the total. Batches match bench/insert-batch.ts: no timestamp repeats across rounds.

Closing stdin closes the connection and ends the process.
"""
import asyncio
import json
import sys
import time

from siridb.connector import SiriDBClient

TIMEOUT = 20  # seconds per request, as the Node side's deadline


def build_batch(prefix, first, series, per_series, base):
    return {
        f"{prefix}{s}": [[base + first + p, s + p * 0.001 + 0.0001] for p in range(per_series)]
        for s in range(series)
    }


async def latency(client, cmd):
    query = cmd["query"]
    seconds = []
    for _ in range(cmd["count"]):
        start = time.perf_counter()
        await client.query(query, timeout=TIMEOUT)
        seconds.append(time.perf_counter() - start)
    return seconds


async def concurrent(client, cmd):
    query = cmd["query"]
    start = time.perf_counter()
    await asyncio.gather(*(client.query(query, timeout=TIMEOUT) for _ in range(cmd["count"])))
    return time.perf_counter() - start


async def insert(client, cmd, base):
    batches, series, per_series = cmd["batches"], cmd["series"], cmd["pointsPerSeries"]
    prefix, first_batch = cmd["prefix"], cmd["round"] * batches
    next_batch = 0

    async def lane():
        nonlocal next_batch
        while next_batch < batches:
            batch = next_batch
            next_batch += 1
            first = (first_batch + batch) * per_series
            await client.insert(build_batch(prefix, first, series, per_series, base), timeout=TIMEOUT)

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(cmd["inFlight"])))
    return time.perf_counter() - start


async def main():
    loop = asyncio.get_running_loop()
    read_line = lambda: loop.run_in_executor(None, sys.stdin.readline)  # noqa: E731
    reply = lambda answer: print(json.dumps(answer), flush=True)  # noqa: E731
    setup = json.loads(await read_line())
    base = setup["baseSeconds"] * setup["unitsPerSecond"]
    client = SiriDBClient(username=setup["username"], password=setup["password"],
                          dbname=setup["dbname"], hostlist=[(setup["host"], setup["port"])],
                          keepalive=False)
    try:
        failures = [r for r in await client.connect(timeout=10) or [] if r is not None]
        if failures or not client.connected:
            reply({"error": f"connect failed: {failures!r}"})
            return
        reply({"ok": True})
        while line := await read_line():
            cmd = json.loads(line)
            try:
                if cmd["op"] == "latency":
                    seconds = await latency(client, cmd)
                elif cmd["op"] == "concurrent":
                    seconds = await concurrent(client, cmd)
                elif cmd["op"] == "insert":
                    seconds = await insert(client, cmd, base)
                else:
                    raise ValueError(f"unknown op {cmd['op']!r}")
                reply({"ok": True, "seconds": seconds})
            except Exception as error:  # reported to the Node side, which goes on without us
                reply({"error": repr(error)})
    finally:
        client.close()


asyncio.run(main())
