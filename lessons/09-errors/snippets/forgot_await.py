"""A handler that forgets an `await`. The lesson's tests run this and check what happens."""

import asyncio


async def save(record):
    print(f"saving {record}")


# ANCHOR: handler
async def handle(record):
    save(record)  # Forgot `await`: this only makes a coroutine object, and drops it.
    print(f"handled {record}")
# ANCHOR_END: handler


asyncio.run(handle("r1"))
