"""Runs a list of operations with Debian's python3-siridb-connector against a SiriDB server and
prints one JSON result per operation (used to cross-check @conn/siridb and its test server)."""
import asyncio
import json
import sys

from siridb.connector import SiriDBClient


async def run(spec):
    client = SiriDBClient(
        username=spec["username"],
        password=spec["password"],
        dbname=spec["dbname"],
        hostlist=[(spec["host"], spec["port"])],
        keepalive=False,
    )
    connected = await client.connect(timeout=10)
    results = [{"op": "connect", "errors": [None if r is None else type(r).__name__ for r in connected]}]
    try:
        for op in spec["operations"]:
            try:
                if op["kind"] == "insert":
                    value = await client.insert(op["data"], timeout=10)
                else:
                    value = await client.query(op["query"], timeout=10)
                results.append({"op": op["kind"], "value": value})
            except Exception as error:  # the error case is part of the cross-check
                results.append({"op": op["kind"], "error": type(error).__name__, "message": str(error)})
    finally:
        client.close()
    return results


def main():
    spec = json.load(sys.stdin)
    results = asyncio.run(run(spec))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
