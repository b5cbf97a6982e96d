"""Exercise 03a in asyncio: three downloads run as tasks, so that they overlap.

Three downloads take 1, 2 and 3 seconds, mostly waiting for the network (a sleep stands in for
it). Awaited one after another, as below, the waits add up to 6 s.

Goal: run them as three tasks, so that they wait at the same time and the whole takes 3 s,
printing exactly expected.txt. Grade it with `cargo course check 03a --python`: it runs in
virtual time (crates/lesson-check/py/run_virtual.py), and the output and the loop time (3.0 s)
are checked.
"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def download(start, name, seconds):
    print(f"{at(start)} start {name}")
    await asyncio.sleep(seconds)
    print(f"{at(start)} done  {name}")
    return 1000 * seconds


async def download_all():
    start = asyncio.get_running_loop().time()
    a = await download(start, "a", 1)
    b = await download(start, "b", 2)
    c = await download(start, "c", 3)
    print(f"{at(start)} all three: {a + b + c} bytes")


asyncio.run(download_all())
