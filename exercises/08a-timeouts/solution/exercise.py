"""Exercise 08a in asyncio, solved: cancel() only asks; awaiting the task lets its finally run.

(asyncio.wait_for(report, 1) would cancel and await it too.)
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
        report.cancel()
        try:
            await report
        except asyncio.CancelledError:
            pass
        print(f"{at(start)} dashboard: no report, too slow")
    await asyncio.sleep(2)
    print(f"{at(start)} dashboard: shown")


asyncio.run(dashboard())
