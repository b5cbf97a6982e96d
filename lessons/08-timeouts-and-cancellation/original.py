# Needs Python 3.11: asyncio.timeout, asyncio.timeout_at, Timeout.reschedule, asyncio.TaskGroup and except*
"""Lesson 08 in asyncio: time limits, cancellation and a TaskGroup.

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`),
as the Rust lesson reads `aio::now()`. Booleans are printed in lower case, as Rust prints them,
so that the two outputs differ only where the two runtimes behave differently.
"""

import asyncio
from contextlib import contextmanager


def since(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


# ANCHOR: connection
@contextmanager
def connection(name):
    print(f"open  {name}")
    try:
        yield
    finally:
        # Runs when the coroutine returns, raises, or is cancelled (CancelledError).
        print(f"close {name}")


async def query(name, delay):
    with connection(name):
        await asyncio.sleep(delay)
        return f"{name}: 3 rows"
# ANCHOR_END: connection


async def time_limits():
    start = asyncio.get_running_loop().time()
    try:
        rows = await asyncio.wait_for(query("fast", 0.2), timeout=1)
        print(f"got {rows} after {since(start)}")
    except TimeoutError:
        print("fast: timed out")
    start = asyncio.get_running_loop().time()
    try:
        async with asyncio.timeout(1):
            rows = await query("slow", 5)
        print(f"got {rows}")
    except TimeoutError:
        print(f"slow: timed out after {since(start)}")


# ANCHOR: task_timeout
async def time_limit_on_a_task():
    task = asyncio.create_task(query("report", 3))
    try:
        await asyncio.wait_for(task, timeout=1)
    except TimeoutError:
        # wait_for has cancelled the task, and waited for it to finish.
        print(f"report: timed out; task finished? {str(task.done()).lower()}")
        task.cancel()
        print(f"report: cancelled; task finished? {str(task.done()).lower()}")
# ANCHOR_END: task_timeout


# ANCHOR: cancel
async def worker():
    with connection("worker"):
        start = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(1)
            print(f"worker: tick at {since(start)}")


async def cancel_a_task():
    task = asyncio.create_task(worker())
    await asyncio.sleep(2.5)
    print("cancelling the worker")
    task.cancel()  # Only a request: CancelledError is raised in the worker when it next runs.
    print("cancel() returned")
    try:
        await task
        print("awaiting it: finished")
    except asyncio.CancelledError:
        print("awaiting it: task was cancelled")
# ANCHOR_END: cancel


async def step(name, delay):
    await asyncio.sleep(delay)
    print(f"{name} done")


async def shared_deadline():
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + 1
    for name, delay in [("connect", 0.3), ("authenticate", 0.4), ("download", 0.5)]:
        try:
            async with asyncio.timeout_at(deadline):
                await step(name, delay)
        except TimeoutError:
            print(f"{name}: timed out at {since(start)}")
            break


# ANCHOR: reschedule
async def download(gaps):
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        async with asyncio.timeout(1) as cm:
            for i, gap in enumerate(gaps):
                await asyncio.sleep(gap)
                print(f"chunk {i + 1} at {since(start)}")
                cm.reschedule(loop.time() + 1)  # Progress: one more second from now.
        print(f"download complete at {since(start)}")
    except TimeoutError:
        print(f"download stalled: timed out at {since(start)}")
# ANCHOR_END: reschedule


async def fetch_part(name, delay, bad):
    with connection(name):
        await asyncio.sleep(delay)
        if name == bad:
            print(f"{name} failed")
            raise ValueError(f"{name}: checksum mismatch")
        print(f"{name} done")
        return f"<{name}>"


async def task_group(bad):
    start = asyncio.get_running_loop().time()
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(fetch_part(name, delay, bad))
                for name, delay in [("part-1", 0.1), ("part-2", 0.2), ("part-3", 0.5)]
            ]
        parts = "".join(task.result() for task in tasks)
        print(f"all parts at {since(start)}: {parts}")
    except* ValueError as group_error:
        print(f"group failed at {since(start)}: {group_error.exceptions[0]}")


async def main():
    print("== a time limit ==")
    await time_limits()
    print()
    print("== a time limit on a task ==")
    await time_limit_on_a_task()
    print()
    print("== cancelling a task ==")
    await cancel_a_task()
    print()
    print("== one deadline for several steps ==")
    await shared_deadline()
    print()
    print("== a deadline pushed back by progress ==")
    await download([0.6, 0.6, 0.6, 0.6])  # 2.4 s in all, never 1 s idle.
    await download([0.6, 0.6, 1.5])  # Stalls after the second chunk.
    print()
    print("== a task group: all succeed ==")
    await task_group("none")
    print()
    print("== a task group: one fails, the others are cancelled ==")
    await task_group("part-2")


asyncio.run(main())
