"""Exercise 06b in asyncio, solved: gather(..., return_exceptions=True) returns every outcome,
in the order given, an exception in place of a result for a check that failed.
(asyncio.wait over tasks would do too: its `done` holds the failures with the rest.)"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def check(service, delay):
    await asyncio.sleep(delay)
    if service == "cache":
        raise ConnectionError(f"{service}: connection refused")
    return f"{service} is up"


async def status_page():
    start = asyncio.get_running_loop().time()
    services = [("database", 0.1), ("cache", 0.2), ("search", 0.3)]
    outcomes = await asyncio.gather(
        *(check(s, d) for s, d in services), return_exceptions=True
    )
    up = 0
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            print(f"{at(start)} failed: {outcome}")
        else:
            up += 1
            print(f"{at(start)} ok:     {outcome}")
    print(f"{at(start)} {up} of 3 services up")


asyncio.run(status_page())
