"""Exercise 13a in asyncio, solved: asyncio.Queue(maxsize=2); put() waits for room."""

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
    queue = asyncio.Queue(maxsize=2)  # put() waits while 2 lines wait.
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
