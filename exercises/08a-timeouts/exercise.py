"""Exercise 08a in asyncio: a task that takes too long is cancelled, and cleans up at once.

A dashboard builds a report in a task and gives it one second. asyncio.wait with a timeout
does not cancel what is still pending: the report task runs on, holding its connection open,
until asyncio.run cancels it at 3.0 s.

Goal: as soon as the time is up, cancel the report and let its clean-up run (its connection
closes at 1.0 s) before the dashboard goes on; print exactly expected.txt. Grade it with
`cargo course check 08a --python`.
"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def build_report(start):
    print(f"{at(start)} report: connection open")
    try:
        await asyncio.sleep(5)
        return 12
    finally:
        print(f"{at(start)} report: connection closed")


async def dashboard():
    start = asyncio.get_running_loop().time()
    report = asyncio.create_task(build_report(start))
    done, _ = await asyncio.wait({report}, timeout=1)
    if done:
        print(f"{at(start)} dashboard: {report.result()} pages")
    else:
        print(f"{at(start)} dashboard: no report, too slow")
    await asyncio.sleep(2)  # Shows the rest of the dashboard.
    print(f"{at(start)} dashboard: shown")


asyncio.run(dashboard())
