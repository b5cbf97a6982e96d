"""Lesson 01 in asyncio: the seed's "Hello ... World!", then two sleeps in a row vs at once.

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`),
as the Rust lesson reads `aio::now()`.
"""

import asyncio


# ANCHOR: hello
async def hello():
    print("Hello ...")
    await asyncio.sleep(1)
    print("... World!")


asyncio.run(hello())
# ANCHOR_END: hello


async def say_after(delay, what):
    await asyncio.sleep(delay)
    print(what)


async def compare():
    loop = asyncio.get_running_loop()

    start = loop.time()
    await say_after(1, "one")
    await say_after(2, "two")
    print(f"in a row: {loop.time() - start:.1f}s")

    start = loop.time()
    first = asyncio.create_task(say_after(1, "one"))
    second = asyncio.create_task(say_after(2, "two"))
    await first
    await second
    print(f"at once:  {loop.time() - start:.1f}s")


asyncio.run(compare())
