"""Exercise 03a in asyncio, solved: create the three tasks first, then await them."""

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
    a = asyncio.create_task(download(start, "a", 1))
    b = asyncio.create_task(download(start, "b", 2))
    c = asyncio.create_task(download(start, "c", 3))
    total = await a + await b + await c
    print(f"{at(start)} all three: {total} bytes")


asyncio.run(download_all())
