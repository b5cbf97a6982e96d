"""Exercise 06b in asyncio: a status page that reports every service, the failed one too.

The page checks three services at once: the database (0.1 s), the cache (0.2 s) and the
search engine (0.3 s). The cache is down. asyncio.gather raises the first exception as soon as
it happens: the page says only that the cache failed, at 0.2 s, and nothing about the others
(and asyncio.run cancels the search check, still running, as the program ends).

Goal: wait for all three checks, failures included, and report each one in the order listed,
then how many are up; print exactly expected.txt. Grade it with
`cargo course check 06b --python`: the output and the loop time (0.3 s) are checked.
"""

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
    try:
        reports = await asyncio.gather(*(check(s, d) for s, d in services))
        for report in reports:
            print(f"{at(start)} ok:     {report}")
        print(f"{at(start)} {len(reports)} of 3 services up")
    except ConnectionError as error:
        print(f"{at(start)} failed: {error}")


asyncio.run(status_page())
