"""Lesson 02 in asyncio: coroutines are lazy, tasks are scheduled; a hand-written awaitable next
to the coroutine that does the same; the article's Future + call_later example, corrected; the
rest of a Future: result(), done-callbacks, set_exception and cancel.

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`),
as the Rust lesson reads `aio::now()`.
"""

import asyncio


async def greet(name):
    print(f"greet({name}) runs")
    return f"hello, {name}"


async def lazy_versus_scheduled():
    print("--- 1. futures are lazy, tasks are scheduled")
    coro = greet("Ada")  # A coroutine object: nothing runs yet, like a Rust future.
    print("future created")
    task = asyncio.create_task(greet("Grace"))  # Scheduled: runs at the loop's next turn.
    print("task spawned")
    await asyncio.sleep(0)  # One turn of the loop: the task runs, the coroutine does not.
    print("after one turn")
    print(await coro)
    print(await task)

    greet("Nobody").close()  # Never awaited, never runs (close() spares us the warning).
    print("a future dropped without being awaited printed nothing")


# ANCHOR: countdown
class Countdown:
    """A hand-written awaitable: each bare `yield` gives the loop one turn, like a Rust
    future that wakes itself and returns Pending."""

    def __init__(self, remaining):
        self.remaining = remaining

    def __await__(self):
        while self.remaining:
            print(f"poll: {self.remaining} to go")
            self.remaining -= 1
            yield
        return "liftoff"


async def countdown(start):
    for remaining in range(start, 0, -1):
        print(f"step: {remaining} to go")
        await asyncio.sleep(0)
    return "liftoff"
# ANCHOR_END: countdown


async def polled_by_the_loop():
    print("--- 2. a future is polled until it is ready")
    print(await Countdown(3))
    print(await countdown(3))


# ANCHOR: future
async def my_coroutine():
    print("--- 3. a promise, set later by a callback")
    loop = asyncio.get_running_loop()  # Not get_event_loop(): we are inside the loop.
    start = loop.time()
    future = loop.create_future()  # Not asyncio.Future(): let the loop make it.
    loop.call_later(1, future.set_result, "Hello, world!")
    result = await future
    print(f"{result} (after {loop.time() - start:.1f}s)")

    try:
        future.set_result("Goodbye!")
    except asyncio.InvalidStateError:
        print("a second result is refused: Goodbye!")
# ANCHOR_END: future


# ANCHOR: endings
async def other_endings():
    print("--- 4. result(), callbacks, failing and cancelling")
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    try:
        future.result()  # Does not wait: raises when not done yet.
    except asyncio.InvalidStateError:
        print("result() before it is done: not ready yet")
    future.add_done_callback(lambda f: print(f"callback: done, result {f.result()}"))

    def removed(f):
        print("a removed callback never runs")

    future.add_done_callback(removed)
    future.remove_done_callback(removed)
    future.set_result("ready")
    print("set_result returned; the callback has not run yet")
    await asyncio.sleep(0)  # One turn: the loop calls the callback.
    print(f"result() now: {future.result()}")

    failed = loop.create_future()
    loop.call_soon(failed.set_exception, OSError("disk on fire"))
    try:
        await failed
    except OSError as error:
        print(f"awaiting a failed promise: {error}")

    cancelled = loop.create_future()
    loop.call_soon(cancelled.cancel)
    try:
        await cancelled
    except asyncio.CancelledError:
        if cancelled.cancelled():
            print("awaiting a cancelled promise: cancelled, and cancelled() says so")
# ANCHOR_END: endings


async def main():
    await lazy_versus_scheduled()
    await polled_by_the_loop()
    await my_coroutine()
    await other_endings()


asyncio.run(main())
