"""Lesson 06 in asyncio: gather versus wait, the articles' examples corrected.

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`),
as the Rust lesson reads `aio::now()`.
"""

import asyncio


def since(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


async def fetch_page(url, delay):
    # The article used aiohttp; a sleep stands in for the network.
    print(f"fetching {url}")
    await asyncio.sleep(delay)
    print(f"fetched  {url}")
    return f"<html of {url}>"


async def count_links(delay):
    await asyncio.sleep(delay)
    return 42


async def gather_pages():
    start = asyncio.get_running_loop().time()
    pages = [
        ("https://www.jython.org", 0.3),
        ("http://olympus.realpython.org/", 0.1),
        ("https://realpython.com/", 0.2),
    ]
    tasks = [asyncio.create_task(fetch_page(url, delay)) for url, delay in pages]
    results = await asyncio.gather(*tasks)
    for html in results:
        print(f"result: {html}")
    print(f"total time: {since(start)}")

    html, links = await asyncio.gather(
        fetch_page("https://docs.python.org/", 0.1), count_links(0.05)
    )
    print(f"{html} has {links} links")


# ANCHOR: wait
async def coroutine(n, delay):
    await asyncio.sleep(delay)
    if n == 2:
        raise RuntimeError(f"coroutine{n} failed")
    return f"coroutine{n} result"


async def wait_for_all():
    # Since Python 3.11, asyncio.wait refuses bare coroutines: make tasks first.
    tasks = [
        asyncio.create_task(coroutine(1, 0.1)),
        asyncio.create_task(coroutine(2, 0.2)),
        asyncio.create_task(coroutine(3, 0.3)),
    ]
    done, pending = await asyncio.wait(tasks)
    # `done` holds every finished task, successes and failures together.
    print(f"done: {len(done)}, pending: {len(pending)}")
    for task in tasks:  # `done` is a set, without order: print in argument order
        if task in done:
            try:
                print(f"ok:     {task.result()}")
            except Exception as e:
                print(f"failed: {e}")
# ANCHOR_END: wait


async def download(mirror, delay):
    await asyncio.sleep(delay)
    return f"file from {mirror}"


async def fastest_mirror():
    start = asyncio.get_running_loop().time()
    mirrors = [("mirror-eu", 0.3), ("mirror-us", 0.12), ("mirror-asia", 0.25)]
    tasks = [asyncio.create_task(download(m, d), name=m) for m, d in mirrors]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in done:
        print(f"fastest: {task.result()} after {since(start)}")
    for task in tasks:
        if task in pending:
            task.cancel()
            print(f"cancelled {task.get_name()}")
    # cancel() only asks: each task stops when it next runs. Let them, then count.
    await asyncio.wait(pending)
    print(f"tasks still running: {len(asyncio.all_tasks()) - 1}")


async def wait_with_timeout():
    start = asyncio.get_running_loop().time()
    reports = [("report-a", 0.1), ("report-b", 0.4), ("report-c", 0.25)]
    tasks = [asyncio.create_task(download(r, d), name=r) for r, d in reports]
    done, pending = await asyncio.wait(tasks, timeout=0.3)
    print(f"after {since(start)}: {len(done)} done, {len(pending)} pending")
    for task in tasks:
        if task in done:
            print(f"got {task.result()}")
    for task in tasks:
        if task in pending:
            print(f"{task.get_name()} still running, waiting for it")
            print(f"got {await task} after {since(start)}")


async def main():
    print("== gather: results in argument order ==")
    await gather_pages()
    print()
    print("== wait: done and pending ==")
    await wait_for_all()
    print()
    print("== wait(FirstCompleted): the fastest mirror ==")
    await fastest_mirror()
    print()
    print("== wait with a timeout ==")
    await wait_with_timeout()


asyncio.run(main())
