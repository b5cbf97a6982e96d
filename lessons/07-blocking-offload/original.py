"""Lesson 07 in asyncio: a blocking call freezes the loop; run_in_executor keeps it free.

Run it with `python3 original.py` (add `--verbose` for the raw figures). The article's example,
corrected: inside a coroutine the loop is `asyncio.get_running_loop()`, not a global `loop`.
"""

import asyncio
import os
import selectors
import sys
import tempfile
import time

BEAT = 0.05
CALL = 0.4


# ANCHOR: blocking_call
def blocking_call():
    time.sleep(CALL)
    return "Done"


async def offloaded():
    # The article wrote `await loop.run_in_executor(...)` with a global `loop`: inside a
    # coroutine, ask for the running loop (or use `await asyncio.to_thread(blocking_call)`).
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, blocking_call)
# ANCHOR_END: blocking_call


class Pulse:
    def __init__(self):
        self.beats = 0
        self.longest_silence = 0.0


async def heartbeat(pulse):
    last = time.monotonic()
    while True:
        await asyncio.sleep(BEAT)
        now = time.monotonic()
        pulse.longest_silence = max(pulse.longest_silence, now - last)
        pulse.beats += 1
        last = now


def beats_bucket(beats):
    if beats == 0:
        return "0"
    if beats <= 3:
        return "a few (1 to 3)"
    return "4 or more"


def silence_bucket(silence):
    if silence >= CALL:
        return "the whole call or longer (0.4 s+)"
    return "shorter than the call (the loop kept beating)"


async def watch(what, work, verbose):
    pulse = Pulse()
    heart = asyncio.create_task(heartbeat(pulse))
    await asyncio.sleep(BEAT * 2)

    pulse.longest_silence = 0.0
    before = pulse.beats
    result = await work()
    during = pulse.beats - before
    await asyncio.sleep(BEAT * 2)
    heart.cancel()

    print(f"{what}:")
    print(f"  result: {result}")
    print(f"  beats while the call ran: {beats_bucket(during)}")
    print(f"  longest silence: {silence_bucket(pulse.longest_silence)}")
    if verbose:
        print(f"  (raw: {during} beats, longest silence {pulse.longest_silence * 1000:.1f}ms)")


async def inline():
    return blocking_call()


def read_text(path):
    with open(path) as f:
        return f.read()


def write_text(path, text):
    with open(path, "w") as f:
        f.write(text)


async def files():
    folder = tempfile.mkdtemp(prefix="aio-lesson-07-")
    names = ["one.txt", "two.txt", "three.txt"]
    for i, name in enumerate(names):
        await asyncio.to_thread(write_text, os.path.join(folder, name), "line\n" * (i + 2))

    reads = [asyncio.create_task(asyncio.to_thread(read_text, os.path.join(folder, name)))
             for name in names]
    print("files read through the pool:")
    for name, read in zip(names, reads):
        text = await read
        print(f"  {name}: {len(text.splitlines())} lines")

    with open(os.path.join(folder, names[0])) as f:
        try:
            with selectors.EpollSelector() as epoll:
                epoll.register(f, selectors.EVENT_READ)
            print("  the poller accepted a regular file; it reports it as always ready")
        except PermissionError:
            print("  epoll and a regular file: refused (EPERM), there is no readiness to wait for")
    for name in names:
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)


async def main():
    verbose = "--verbose" in sys.argv
    await watch("blocking call inside a task", inline, verbose)
    await watch("the same call in run_in_executor", offloaded, verbose)
    await files()


if __name__ == "__main__":
    asyncio.run(main())
