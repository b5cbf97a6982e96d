"""Exercise 12a in asyncio: at most three downloads at once, with a semaphore.

Nine files come from a server that allows three connections per client. The program starts
all nine at once, and nothing stops them from running together.

Goal: let at most three run at the same time, with one asyncio.Semaphore(3) that each
download holds while it runs (`async with`). Nine downloads of one second, three at a time,
take 3.0 s; print exactly expected.txt. Grade it with `cargo course check 12a --python`: the
output, the most downloads at once and the loop time are checked.
"""

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


async def download_all():
    gauge = Gauge()
    start = asyncio.get_running_loop().time()
    starts = await asyncio.gather(*(download(gauge, start) for _ in range(JOBS)))
    print_starts(starts)
    took = asyncio.get_running_loop().time() - start
    print(
        f"{JOBS} downloads in {took:.1f}s, at most {gauge.peak} at once "
        f"(the server allows {LIMIT})"
    )


asyncio.run(download_all())
