"""Exercise 13a in asyncio: a fast producer slowed to its consumer's pace by a bounded queue.

An app logs a line every 0.1 s; a shipper task sends each to a log server in 0.5 s. The queue
between them has no bound (asyncio.Queue()), so the lines pile up in memory.

Goal: make the queue hold at most 2 lines (asyncio.Queue(maxsize=2)), so that put() waits for
room: the app logs at the shipper's pace, and no more than 2 lines ever wait. Print exactly
expected.txt. Grade it with `cargo course check 13a --python`.
"""

import asyncio

LINES = 10


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def shipper(queue):
    while True:
        await queue.get()
        await asyncio.sleep(0.5)  # Sending it.
        queue.task_done()


async def app():
    start = asyncio.get_running_loop().time()
    queue = asyncio.Queue()
    shipping = asyncio.create_task(shipper(queue))
    most_waiting = 0
    for n in range(LINES):
        await asyncio.sleep(0.1)  # The app's work between two lines.
        await queue.put(f"line {n}")
        most_waiting = max(most_waiting, queue.qsize())
        print(f"{at(start)} app: logged line {n}")
    await queue.join()  # Every line got and shipped.
    shipping.cancel()
    print(f"{at(start)} shipper: all {LINES} lines shipped")
    print(f"most lines waiting in the queue: {most_waiting}")


asyncio.run(app())
