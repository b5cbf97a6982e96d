"""Lesson 19 in asyncio: racing, as_completed, and a coroutine that loses data when cancelled.

Run it with `python3 original.py`. Durations are read from the loop's clock (`loop.time()`),
as the Rust lesson reads `aio::now()`.
"""

import asyncio


def now():
    return asyncio.get_running_loop().time()


def since(start):
    return f"{now() - start:.2f}s"


# ANCHOR: race
async def download(name, delay, start):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"{name}: cancelled at {since(start)}")
        raise
    return f"file from {name}"


async def fastest_mirror():
    start = now()
    mirrors = [("mirror-eu", 0.3), ("mirror-us", 0.12), ("mirror-asia", 0.25)]
    tasks = [asyncio.create_task(download(m, d, start)) for m, d in mirrors]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    # wait() cancels nothing: cancel the losers, and let them run their except blocks.
    for task in tasks:
        if task in pending:
            task.cancel()
    await asyncio.wait(pending)
    winner = done.pop()
    index = tasks.index(winner)
    print(f"winner: #{index} {mirrors[index][0]}, {winner.result()}")
    print(f"at {since(start)}, tasks running: {len(asyncio.all_tasks()) - 1}")
# ANCHOR_END: race


# ANCHOR: as_completed
async def report(name, delay):
    await asyncio.sleep(delay)
    return name


async def reports_as_they_come():
    start = now()
    reports = [
        ("report-a", 0.3),
        ("report-b", 0.1),
        ("report-c", 0.4),
        ("report-d", 0.2),
        ("report-e", 0.5),
    ]
    # Tasks made here start in this order; given coroutines, as_completed would make the
    # tasks itself from a set, in an order that changes from run to run.
    tasks = [asyncio.create_task(report(name, delay)) for name, delay in reports]
    received = 0
    for next_report in asyncio.as_completed(tasks, timeout=0.35):
        try:
            name = await next_report
        except asyncio.TimeoutError:
            # The unfinished reports are still running, as tasks: as_completed leaves them.
            print(f"timed out at {since(start)}: {len(reports) - received} reports not in")
            break
        received += 1
        print(f"{since(start)} {name}")
# ANCHOR_END: as_completed


# ANCHOR: pinned
async def big_download():
    print("download started")
    await asyncio.sleep(0.35)
    return "big.iso"


async def download_with_progress():
    start = now()
    # A task keeps running between two waits; Rust pins one future and lends it instead.
    download_task = asyncio.create_task(big_download())
    while True:
        ticker = asyncio.create_task(asyncio.sleep(0.1))
        done, _ = await asyncio.wait(
            {download_task, ticker}, return_when=asyncio.FIRST_COMPLETED
        )
        if download_task in done:
            ticker.cancel()
            print(f"{since(start)} downloaded: {download_task.result()}")
            break
        print(f"{since(start)} still downloading")
# ANCHOR_END: pinned


async def producer(queue, start):
    loop = asyncio.get_running_loop()
    for n, at in [(1, 0.1), (2, 0.3), (3, 0.4), (4, 0.6)]:
        await asyncio.sleep(start + at - loop.time())
        queue.put_nowait(f"job-{n}")


async def heartbeat(beat):
    await asyncio.sleep(beat - now())


async def race(*coroutines):
    """asyncio.wait(FIRST_COMPLETED), then cancel the losers and let them finish: aio.race."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    winner = min(done, key=tasks.index)
    return tasks.index(winner), winner.result()


# ANCHOR: lossy
async def take_two(queue):
    first = await queue.get()
    try:
        second = await queue.get()
    except asyncio.CancelledError:
        print(f"  lost {first}: dropped with the future that held it")
        raise
    return first, second


async def lossy_worker():
    start, queue = now(), asyncio.Queue()
    producing = asyncio.create_task(producer(queue, start))
    beat, beats, handled = start + 0.25, 0, 0
    while beats < 3:
        index, got = await race(take_two(queue), heartbeat(beat))
        if index == 0:
            a, b = got
            print(f"{since(start)} handled {a} + {b}")
            handled += 2
        else:
            print(f"{since(start)} heartbeat")
            beat, beats = beat + 0.25, beats + 1
    await producing
    print(f"handled {handled} of 4 jobs")
# ANCHOR_END: lossy


# ANCHOR: safe
async def safe_worker():
    start, queue = now(), asyncio.Queue()
    producing = asyncio.create_task(producer(queue, start))
    beat, beats, handled = start + 0.25, 0, 0
    held = None  # the job taken so far, outside any coroutine a race cancels
    while beats < 3:
        index, got = await race(queue.get(), heartbeat(beat))
        if index == 0:
            if held is None:
                held = got
            else:
                print(f"{since(start)} handled {held} + {got}")
                held, handled = None, handled + 2
        else:
            print(f"{since(start)} heartbeat")
            beat, beats = beat + 0.25, beats + 1
    await producing
    print(f"handled {handled} of 4 jobs")
# ANCHOR_END: safe


async def main():
    print("== race: the first of three mirrors wins ==")
    await fastest_mirror()
    print()
    print("== as_completed: in completion order, with a timeout ==")
    await reports_as_they_come()
    print()
    print("== a pinned future raced again and again ==")
    await download_with_progress()
    print()
    print("== cancel safety: take_two loses a job when it loses a race ==")
    await lossy_worker()
    print()
    print("== the fix: race one get at a time, keep what was taken outside ==")
    await safe_worker()


asyncio.run(main())
