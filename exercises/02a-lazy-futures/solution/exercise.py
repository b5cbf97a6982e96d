"""Exercise 02a in asyncio, solved: create_task schedules the coroutine; it runs while the
reader reads page 1."""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def load_page(start, n):
    print(f"{at(start)} loading page {n}")
    await asyncio.sleep(1)
    print(f"{at(start)} page {n} loaded")
    return f"page {n}"


async def reader():
    start = asyncio.get_running_loop().time()
    page = await load_page(start, 1)
    following = asyncio.create_task(load_page(start, 2))
    print(f"{at(start)} reading {page}")
    await asyncio.sleep(2)
    page = await following
    print(f"{at(start)} reading {page}")


asyncio.run(reader())
