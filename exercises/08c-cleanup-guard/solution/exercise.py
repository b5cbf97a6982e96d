"""Exercise 08c in asyncio, solved: close() in a finally block runs on cancellation too."""

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
    try:
        await asyncio.sleep(seconds)
        return 1000 * seconds
    finally:
        connection.close()  # Also when CancelledError goes through the await.


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
