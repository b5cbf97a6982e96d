"""Exercise 07a in asyncio, solved: asyncio.to_thread runs the call on a thread of the
default executor; the coroutine waits at the await, and the loop keeps the heartbeat going.
(loop.run_in_executor(None, query_database) does the same.)"""

import asyncio
import time

BEAT = 0.25
BEATS = 8
QUERY = 0.5


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


def query_database():
    """The synchronous driver: it blocks its thread until the rows arrive."""
    time.sleep(QUERY)
    return 1200


async def heartbeat(start, wall_start):
    """Beats every BEAT, BEATS times, from start; returns the longest silence since
    wall_start or between two beats, by the wall clock."""
    loop = asyncio.get_running_loop()
    last = wall_start
    longest = 0.0
    for beat in range(1, BEATS + 1):
        await asyncio.sleep(start + BEAT * beat - loop.time())
        now = time.monotonic()
        longest = max(longest, now - last)
        last = now
    return longest


async def report():
    print("report: querying the database")
    rows = await asyncio.to_thread(query_database)
    print(f"report: {rows} rows")
    return rows


async def server():
    start, wall_start = asyncio.get_running_loop().time(), time.monotonic()
    heart = asyncio.create_task(heartbeat(start, wall_start))
    report_task = asyncio.create_task(report())
    await report_task
    silence = await heart
    if silence >= QUERY:
        print(f"heartbeat: {BEATS} beats, but silent while the query ran")
    else:
        print(f"heartbeat: {BEATS} beats, none missed while the query ran")
    print(f"{at(start)} done")


asyncio.run(server())
