"""Exercise 06a in asyncio, solved: asyncio.wait(FIRST_COMPLETED), then cancel the pending
lookups. cancel() only asks: each stops the next time it runs, so wait for them before
counting."""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def lookup(start, resolver, delay):
    await asyncio.sleep(delay)
    print(f"{at(start)} {resolver} answered")
    return f"93.184.215.14 (from {resolver})"


async def resolve():
    start = asyncio.get_running_loop().time()
    resolvers = [("resolver-eu", 0.3), ("resolver-us", 0.1), ("resolver-asia", 0.2)]
    lookups = [asyncio.create_task(lookup(start, r, d), name=r) for r, d in resolvers]
    done, pending = await asyncio.wait(lookups, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        print(f"{at(start)} address: {task.result()}")
    for task in lookups:  # pending is a set: go through the list, for a fixed order
        if task in pending:
            task.cancel()
            print(f"{at(start)} cancelled {task.get_name()}")
    await asyncio.wait(pending)
    print(f"{at(start)} lookups still running: {len(asyncio.all_tasks()) - 1}")


asyncio.run(resolve())
