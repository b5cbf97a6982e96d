"""Lesson 15 in asyncio: debug mode finds the task that blocks the loop.

Run it with `python3 original.py`. In debug mode asyncio logs, on stderr, every callback or
task step slower than `loop.slow_callback_duration` (0.1 s), like:

    Executing <Task ... name='load_settings' coro=<load_settings() ...>> took 0.301 seconds

(Under the tests' virtual-time loop the clock stands still while the loop works, so asyncio
measures nothing there; only stdout is compared with the Rust lesson.)
"""

import asyncio
import time


# ANCHOR: hidden
def read_settings_file():
    time.sleep(0.3)  # A slow disk, a synchronous HTTP call, a lock...
    return "workers = 4\nretries = 3\n"


async def load_settings():
    await asyncio.sleep(0.01)
    text = read_settings_file()  # The hidden blocking call.
    return len(text.splitlines())
# ANCHOR_END: hidden


async def load_settings_fixed():
    await asyncio.sleep(0.01)
    text = await asyncio.to_thread(read_settings_file)
    return len(text.splitlines())


async def app(load):
    async def tick():
        for _ in range(8):
            await asyncio.sleep(0.05)

    ticker = asyncio.create_task(tick(), name="ticker")
    loader = asyncio.create_task(load, name="load_settings")
    lines = await loader
    await ticker
    print(f"  loaded {lines} settings; the ticker finished")


# ANCHOR: forgotten
async def send_report(sent):
    sent.append(True)


async def forgetful(sent):
    send_report(sent)  # RuntimeWarning: coroutine 'send_report' was never awaited
# ANCHOR_END: forgotten


async def careful(sent):
    await send_report(sent)


async def never_awaited():
    sent = []
    await forgetful(sent)
    print(f"  without .await, the report was sent: {str(bool(sent)).lower()}")
    await careful(sent)
    print(f"  with .await, the report was sent: {str(bool(sent)).lower()}")


if __name__ == "__main__":
    print("1. a hidden blocking call, with debug mode on:")
    asyncio.run(app(load_settings()), debug=True)
    print("2. the fix, aio::to_thread, with debug mode on:")
    asyncio.run(app(load_settings_fixed()), debug=True)
    print("3. a future that is never awaited:")
    asyncio.run(never_awaited())
