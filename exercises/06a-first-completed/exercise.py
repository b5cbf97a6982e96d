"""Exercise 06a in asyncio: the first answer of three lookups, and the other two cancelled.

A client asks three resolvers for a host's address at once; any one answer will do. The
fastest answers after 0.1 s, the slowest after 0.3 s. But gather returns once every lookup
has answered: the client waits 0.3 s for an answer it had at 0.1 s.

Goal: use the first answer as soon as it arrives, cancel the two lookups still running, and let
them finish being cancelled before counting what still runs; print exactly expected.txt. Grade
it with `cargo course check 06a --python`: the output and the loop time (0.1 s) are
checked.
"""

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
    # Any answer will do; this takes the first one in the list, once all three are in.
    answers = await asyncio.gather(*lookups)
    print(f"{at(start)} address: {answers[0]}")
    print(f"{at(start)} lookups still running: {len(asyncio.all_tasks()) - 1}")


asyncio.run(resolve())
