"""Exercise 12a in asyncio, solved: one Semaphore(3), held with `async with` around each download."""

import asyncio

JOBS = 9
LIMIT = 3


class Gauge:
    """Counts the downloads running right now and remembers the most there ever were."""

    def __init__(self):
        self.now = 0
        self.peak = 0


async def download(gauge, start):
    started = asyncio.get_running_loop().time() - start
    gauge.now += 1
    gauge.peak = max(gauge.peak, gauge.now)
    await asyncio.sleep(1)
    gauge.now -= 1
    return started


def print_starts(starts):
    first = 1
    groups = []
    for at in starts:
        if groups and groups[-1][0] == f"{at:.1f}":
            groups[-1][1].append(first)
        else:
            groups.append((f"{at:.1f}", [first]))
        first += 1
    for at, numbers in groups:
        print(f"started at {at}s: {' '.join(map(str, numbers))}")


async def limited(permits, gauge, start):
    async with permits:  # Waits for a permit; gives it back at the end of the block.
        return await download(gauge, start)


async def download_all():
    gauge = Gauge()
    permits = asyncio.Semaphore(LIMIT)
    start = asyncio.get_running_loop().time()
    starts = await asyncio.gather(*(limited(permits, gauge, start) for _ in range(JOBS)))
    print_starts(starts)
    took = asyncio.get_running_loop().time() - start
    print(
        f"{JOBS} downloads in {took:.1f}s, at most {gauge.peak} at once "
        f"(the server allows {LIMIT})"
    )


asyncio.run(download_all())
