"""Times Debian's python3-siridb-connector (C qpack) against a SiriDB server: inserts of 10,000
points per request, and sequential small selects. Prints one JSON object."""
import asyncio
import json
import sys
import time

from siridb.connector import SiriDBClient


def batch(index, series, points_per_series):
    base = 1_700_000_000_000 + index * points_per_series
    return {
        f"bench.{s}": [[base + p, (s * 7 + p) * 0.001] for p in range(points_per_series)]
        for s in range(series)
    }


async def run(spec):
    client = SiriDBClient(username="iris", password="siri", dbname="dbtest",
                          hostlist=[(spec["host"], spec["port"])], keepalive=False)
    await client.connect(timeout=10)
    try:
        batches = [batch(i, spec["series"], spec["pointsPerSeries"]) for i in range(spec["batches"])]
        # Warm-up, the same as the Node side (the server process's JIT warms up here too).
        for i in range(spec["warmupBatches"]):
            warm = {"warm." + k: v for k, v in batch(i, spec["series"], spec["pointsPerSeries"]).items()}
            await client.insert(warm, timeout=60)
        for _ in range(spec["warmupQueries"]):
            await client.query("count series", timeout=60)
        start = time.perf_counter()
        for data in batches:
            await client.insert(data, timeout=60)
        insert_seconds = time.perf_counter() - start
        await client.insert({"rt": [[i, i * 0.5] for i in range(10)]})
        start = time.perf_counter()
        for _ in range(spec["queries"]):
            await client.query('select * from "rt"', timeout=60)
        query_seconds = time.perf_counter() - start
    finally:
        client.close()
    points = spec["batches"] * spec["series"] * spec["pointsPerSeries"]
    return {"insertPointsPerSecond": points / insert_seconds, "queriesPerSecond": spec["queries"] / query_seconds}


print(json.dumps(asyncio.run(run(json.load(sys.stdin)))))
