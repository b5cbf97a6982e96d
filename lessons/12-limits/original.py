"""Lesson 12 in asyncio: limiting concurrency with a Semaphore, and the executor's size.

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`),
as the Rust lesson reads `aio::now()`.

The article says to tune "the maximum number of concurrent tasks (`asyncio.set_limit`)". There
is no `asyncio.set_limit` (`hasattr(asyncio, "set_limit")` is False): asyncio never limits how
many tasks run. You put the limit where it belongs, with a Semaphore.
"""

import asyncio
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

JOBS = 10
DOWNLOAD = 1.0


class Gauge:
    """Counts the jobs running right now and remembers the most there ever were."""

    def __init__(self):
        self.now = 0
        self.peak = 0

    def enter(self):
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self):
        self.now -= 1


async def download(gauge, start):
    loop = asyncio.get_running_loop()
    started = loop.time() - start
    gauge.enter()
    await asyncio.sleep(DOWNLOAD)
    gauge.leave()
    return started


async def unlimited():
    loop = asyncio.get_running_loop()
    gauge = Gauge()
    start = loop.time()
    await asyncio.gather(*(download(gauge, start) for _ in range(JOBS)))
    print(f"no limit: took {loop.time() - start:.1f}s, at most {gauge.peak} at once")


# ANCHOR: limited
async def limited(limit):
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(limit)
    gauge = Gauge()
    start = loop.time()

    async def job():
        async with sem:  # At most `limit` jobs inside at once.
            return await download(gauge, start)

    starts = await asyncio.gather(*(job() for _ in range(JOBS)))
    rounds = math.ceil(JOBS / limit)
    print(
        f"limit {limit}:  took {loop.time() - start:.1f}s, at most {gauge.peak} at once "
        f"(ceil({JOBS}/{limit}) = {rounds} rounds)"
    )
    print_rounds(starts)
# ANCHOR_END: limited


def print_rounds(starts):
    tenths = [f"{at:.1f}" for at in starts]
    i = 0
    while i < len(tenths):
        same = []
        for j in range(i, len(tenths)):
            if tenths[j] != tenths[i]:
                break
            same.append(str(j))
        print(f"  started at {tenths[i]}s: {' '.join(same)}")
        i += len(same)


BLOCKING_JOBS = 6
BLOCKING_JOB = 0.1
POOL = 2


# ANCHOR: pool
async def blocking_pool():
    loop = asyncio.get_running_loop()
    # The other knob: the size of the executor that run_in_executor uses.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=POOL))
    lock = threading.Lock()
    state = {"running": 0, "peak": 0}

    def job():
        with lock:
            state["running"] += 1
            state["peak"] = max(state["peak"], state["running"])
        time.sleep(BLOCKING_JOB)  # A blocking call.
        with lock:
            state["running"] -= 1

    start = time.monotonic()
    await asyncio.gather(*(loop.run_in_executor(None, job) for _ in range(BLOCKING_JOBS)))
    rounds = math.ceil(BLOCKING_JOBS / POOL)
    enough = time.monotonic() - start >= rounds * BLOCKING_JOB
    print(f"blocking pool of {POOL} threads, {BLOCKING_JOBS} jobs of {int(BLOCKING_JOB * 1000)} ms:")
    print(f"  at most {state['peak']} at once")
    print(f"  took {rounds} rounds of {int(BLOCKING_JOB * 1000)} ms or more: {'yes' if enough else 'no'}")
# ANCHOR_END: pool


async def main():
    await unlimited()
    await limited(3)


print(f"{JOBS} downloads of {DOWNLOAD:.1f}s each")
asyncio.run(main())
asyncio.run(blocking_pool())
