"""Exercise 08c in asyncio: a cancelled download still closes its connection.

Two downloads each open a connection from a pool and close it when they are done. The user
stops the long one at 2 s: CancelledError is raised at the await where it waits, and the
close() after that await never runs. The pool ends with one connection open.

Goal: close the connection however the download ends (try/finally, or a `with` block), so
that the cancelled one closes at 2.0 s and the pool ends with 0 open; print exactly
expected.txt. Grade it with `cargo course check 08c --python`.
"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


class Pool:
    def __init__(self):
        self.open = 0


class Connection:
    def __init__(self, name, start, pool):
        self.name, self.start, self.pool = name, start, pool
        pool.open += 1
        print(f"{at(start)} {name}: connection open")

    def close(self):
        self.pool.open -= 1
        print(f"{at(self.start)} {self.name}: connection closed")


async def download(name, seconds, start, pool):
    connection = Connection(name, start, pool)
    await asyncio.sleep(seconds)
    connection.close()
    return 1000 * seconds


async def downloads():
    start = asyncio.get_running_loop().time()
    pool = Pool()
    small = asyncio.create_task(download("small", 1, start, pool))
    large = asyncio.create_task(download("large", 5, start, pool))
    size = await small
    print(f"{at(start)} small: {size} bytes")
    await asyncio.sleep(1)
    print(f"{at(start)} the user stops large")
    large.cancel()
    try:
        await large
    except asyncio.CancelledError:
        print(f"{at(start)} large: task was cancelled")
    print(f"open connections at the end: {pool.open}")


asyncio.run(downloads())
