"""Lesson 03 in asyncio: create_task schedules and returns at once; three downloads one after
another and as three tasks; cancelling a task; what asyncio.run does with leftover tasks.

Run it with `python3 original.py`. Times are read from the loop's clock (`loop.time()`),
not from `time.time()`, the wall clock, which can jump when the system clock is set.
"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


# ANCHOR: spawn
async def my_coroutine():
    print("Coroutine started")
    await asyncio.sleep(1)
    print("Coroutine resumed")


async def spawn_and_await():
    print("--- 1. spawn schedules the task; it starts when main yields")
    task = asyncio.create_task(my_coroutine())
    print("Task created")
    await task
    print("Task completed")

    task = asyncio.create_task(my_coroutine())
    print("Task created, main goes on")
    await asyncio.sleep(0.5)
    print("main: half a second later")
    await task
    print("Task completed")
# ANCHOR_END: spawn


async def download_page(start, url, seconds):
    print(f"{at(start)} start {url}")
    await asyncio.sleep(seconds)
    print(f"{at(start)} done  {url}")
    return 1000 * seconds


# ANCHOR: downloads
async def one_after_another():
    print("--- 2. three downloads, one after another")
    start = asyncio.get_running_loop().time()
    await download_page(start, "https://example.com/a", 3)
    await download_page(start, "https://example.com/b", 1)
    await download_page(start, "https://example.com/c", 2)
    print(f"{at(start)} all three: the sum of the waits")


async def at_the_same_time():
    print("--- 3. three downloads, as three tasks")
    start = asyncio.get_running_loop().time()
    task1 = asyncio.create_task(download_page(start, "https://example.com/a", 3))
    task2 = asyncio.create_task(download_page(start, "https://example.com/b", 1))
    task3 = asyncio.create_task(download_page(start, "https://example.com/c", 2))
    size = await task1 + await task2 + await task3
    print(f"{at(start)} all three: the longest wait ({size} bytes)")
# ANCHOR_END: downloads


# ANCHOR: cancel
async def slow_download(start, url):
    try:
        print(f"{at(start)} start {url}")
        await asyncio.sleep(10)
        print(f"{at(start)} done  {url}")
    finally:
        print(f"{at(start)} cleanup: {url}")


async def cancelling():
    print("--- 4. cancelling a task")
    start = asyncio.get_running_loop().time()
    task = asyncio.create_task(slow_download(start, "https://example.com/big"))
    await asyncio.sleep(1)
    print(f"{at(start)} cancel the task")
    if task.cancel():  # Only a request: the task is not even running.
        print(f"{at(start)} cancel() returned: it was cancelled")
    try:
        await task  # The CancelledError is thrown into the task now; its finally runs.
        print(f"{at(start)} it finished after all")
    except asyncio.CancelledError:
        print(f"{at(start)} awaiting it: task was cancelled")
# ANCHOR_END: cancel


# ANCHOR: leftovers
async def forgetful_main():
    start = asyncio.get_running_loop().time()
    # Keep a reference: the loop holds tasks only weakly, and an unreferenced task can be
    # garbage-collected before it finishes.
    forgotten = asyncio.create_task(slow_download(start, "https://example.com/forgotten"))
    await asyncio.sleep(2)
    print(f"{at(start)} main returns")


def leftovers():
    print("--- 5. tasks still running when run returns")
    asyncio.run(forgetful_main())  # Cancels the forgotten task and waits for its cleanup.
    print("run returned")
# ANCHOR_END: leftovers


async def main():
    await spawn_and_await()
    await one_after_another()
    await at_the_same_time()
    await cancelling()


asyncio.run(main())
leftovers()
