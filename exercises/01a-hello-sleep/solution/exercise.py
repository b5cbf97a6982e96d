"""Exercise 01a in asyncio, solved: await asyncio.sleep gives the loop back while waiting."""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def countdown():
    start = asyncio.get_running_loop().time()
    for n in [3, 2, 1]:
        print(f"{at(start)} {n}")
        await asyncio.sleep(0.5)
    print(f"{at(start)} liftoff!")


asyncio.run(countdown())
