"""Exercise 01a in asyncio: a countdown that waits without blocking the loop.

The countdown prints a line every half second, stamped with the loop's clock, exactly as
expected.txt shows. It waits with time.sleep, which blocks the thread and the event loop with
it: no other task could run meanwhile, and the loop's clock never sees the wait.

Goal: wait the asyncio way. Grade it with `cargo course check 01a --python`, which runs it in
virtual time (crates/lesson-check/py/run_virtual.py) and checks the output and the loop time
(1.5 s).
"""

import asyncio
import time


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def countdown():
    start = asyncio.get_running_loop().time()
    for n in [3, 2, 1]:
        print(f"{at(start)} {n}")
        time.sleep(0.5)
    print(f"{at(start)} liftoff!")


asyncio.run(countdown())
