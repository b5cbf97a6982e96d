"""Exercise 02a in asyncio: the next page loads while this one is read, not after.

An e-reader loads page 1 (1 s); the reader spends 2 s on it. The program "starts" loading
page 2 first, so that it is ready when the page turns. But load_page(start, 2) only makes a
coroutine object: nothing runs until it is awaited, after the reading. 4 s in all.

Goal: load page 2 while page 1 is read (3 s in all), printing exactly expected.txt. Grade it
with `cargo course check 02a --python`: the output and the loop time (3.0 s) are checked.
"""

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
    # Start loading page 2 now, so that it is ready when the reader turns the page.
    following = load_page(start, 2)
    print(f"{at(start)} reading {page}")
    await asyncio.sleep(2)  # The reader reads page 1.
    page = await following
    print(f"{at(start)} reading {page}")


asyncio.run(reader())
