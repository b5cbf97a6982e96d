"""Exercise 03b in asyncio, solved: await the task before saying bye."""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def save(start):
    print(f"{at(start)} save: writing the document")
    await asyncio.sleep(2)
    print(f"{at(start)} save: document saved")


async def editor():
    start = asyncio.get_running_loop().time()
    saving = asyncio.create_task(save(start))
    print(f"{at(start)} editor: saving in the background")
    await asyncio.sleep(1)
    print(f"{at(start)} editor: window closed")
    await saving
    print(f"{at(start)} editor: bye")


asyncio.run(editor())
