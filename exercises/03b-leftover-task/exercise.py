"""Exercise 03b in asyncio: a task that main must not forget before it returns.

An editor saves the document in a background task (2 s) while its window fades out (1 s).
editor() returns first, and asyncio.run cancels every task still running: the save is dropped
half-way, and "save: document saved" is never printed.

Goal: say "bye" only once the document is saved, printing exactly expected.txt. Grade it with
`cargo course check 03b --python`.
"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def save(start):
    print(f"{at(start)} save: writing the document")
    await asyncio.sleep(2)
    print(f"{at(start)} save: document saved")


async def editor():
    start = asyncio.get_running_loop().time()
    # Keep a reference: the loop holds its tasks only weakly. But nobody awaits it.
    saving = asyncio.create_task(save(start))
    print(f"{at(start)} editor: saving in the background")
    await asyncio.sleep(1)  # The window fades out.
    print(f"{at(start)} editor: window closed")
    print(f"{at(start)} editor: bye")


asyncio.run(editor())
