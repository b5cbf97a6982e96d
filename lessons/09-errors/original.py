"""Lesson 09 in asyncio: where errors in tasks go (the article's advice, corrected).

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`).
The Rust lesson tells expected failures (`Err` values) from bugs (panics); Python raises
exceptions for both. Here `NotFound` plays the `Err`, `Bug` the panic, and the output words a
bug the way aio does ("task panicked"), so the two programs can be compared line by line.
The Rust section on `try_gather` dropping the other futures has no asyncio counterpart.
"""

import asyncio


class NotFound(Exception):
    pass


class Bug(Exception):
    pass


def since(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


async def fetch(name, delay):
    await asyncio.sleep(delay)
    if name.startswith("bad"):
        raise NotFound(f"{name}: not found")
    return f"<{name}>"


async def buggy(delay):
    await asyncio.sleep(delay)
    raise Bug("bug: negative size")


# ANCHOR: in_a_task
async def errors_in_tasks():
    failing = asyncio.create_task(fetch("bad-page", 0.1))
    crashing = asyncio.create_task(buggy(0.1))
    fine = asyncio.create_task(fetch("page", 0.2))
    for task in [failing, crashing, fine]:
        try:
            # Awaiting a task re-raises its exception here: it does propagate.
            print(f"got {await task}")
        except NotFound as error:
            print(f"failed: {error}")
        except Bug as error:
            print(f"crashed: task panicked: {error}")
# ANCHOR_END: in_a_task


async def gather_every_outcome():
    outcomes = await asyncio.gather(
        fetch("a", 0.1), fetch("bad-b", 0.2), fetch("c", 0.3), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            print(f"failed: {outcome}")
        else:
            print(f"got {outcome}")


async def gather_tasks_fail_fast():
    start = asyncio.get_running_loop().time()

    async def announced(name, delay):
        try:
            return await fetch(name, delay)
        finally:
            print(f"{name} finished at {since(start)}")

    tasks = [asyncio.create_task(announced(n, d)) for n, d in [("a", 0.1), ("bad-b", 0.2), ("c", 0.3)]]
    try:
        pages = await asyncio.gather(*tasks)
        print(f"got {pages}")
    except NotFound as error:
        print(f"failed at {since(start)}: {error}")
    # gather raised, but cancelled nothing: `c` runs on.
    await asyncio.sleep(0.3)


async def wait_first_error():
    start = asyncio.get_running_loop().time()
    tasks = [
        asyncio.create_task(fetch("a", 0.1)),
        asyncio.create_task(buggy(0.2)),
        asyncio.create_task(fetch("c", 0.3)),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print(f"after {since(start)}: {len(done)} done, {len(pending)} pending")
    for task in tasks:
        if task in done:
            try:
                print(f"got {task.result()}")
            except NotFound as error:
                print(f"failed: {error}")
            except Bug as error:
                print(f"crashed: task panicked: {error}")
    for task in pending:
        task.cancel()
    await asyncio.wait(pending)


# ANCHOR: unawaited
async def nobody_awaits():
    asyncio.create_task(fetch("bad-lost", 0.1))
    asyncio.create_task(buggy(0.1))
    await asyncio.sleep(0.2)
    # Both exceptions are logged on stderr, "Task exception was never retrieved", when the
    # tasks are garbage-collected. Stdout saw nothing.
    print("nothing was printed here")
# ANCHOR_END: unawaited


async def main():
    print("== errors in tasks ==")
    await errors_in_tasks()
    print()
    print("== gather: every outcome ==")
    await gather_every_outcome()
    print()
    print("== try_gather over tasks: the others run on ==")
    await gather_tasks_fail_fast()
    print()
    print("== wait(FirstError) ==")
    await wait_first_error()
    print()
    print("== nobody awaits ==")
    await nobody_awaits()


asyncio.run(main())
