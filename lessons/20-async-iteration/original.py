"""Lesson 20 in asyncio: async iteration with `async for`, async generators and a Queue.

Run it with `python3 original.py`. Times are read from the loop's clock (`loop.time()`), as
the Rust lesson reads `aio::now()`. Where the Rust lesson has a `Stream`, this one has an
`async for` over a reader, or over an async generator (`async def` with `yield`).
"""

import asyncio
import json

# A tiny margin for float clocks: 4.4999999 s late is 4.5 s late.
EPSILON = 1e-9


def at(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


# ANCHOR: lines
async def lines_from_a_server():
    print("== the lines of a connection ==")

    async def handle(reader, writer):
        for piece in ["GET /a\nGE", "T /b", "\nGET", " /c\n", "QUIT"]:
            writer.write(piece.encode())
            await asyncio.sleep(0.1)
        writer.close()  # The end of file ends the client's `async for`.

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    start = asyncio.get_running_loop().time()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    count = 0
    async for line in reader:  # readline() until it returns b"".
        count += 1
        print(f"{at(start)}  {json.dumps(line.decode())}")
    print(f"{at(start)}  end of file after {count} lines")
    writer.close()
    server.close()
# ANCHOR_END: lines


# ANCHOR: interval
async def interval(period, stats):
    """Yields when each tick was due, every `period` seconds; a late consumer gets the latest
    due tick at once, and the ones it missed are counted in stats["missed"] (aio::interval)."""
    loop = asyncio.get_running_loop()
    due = loop.time()
    while True:
        if loop.time() < due:
            await asyncio.sleep(due - loop.time())
        late = int((loop.time() - due + EPSILON) // period)
        stats["missed"] += late
        due += late * period
        yield due
        due += period


async def ticks():
    print("== an interval timer ==")
    work = [0.3, 0.3, 2.5, 0.3, 0.3]
    loop = asyncio.get_running_loop()
    start = loop.time()
    stats = {"missed": 0}
    timer = interval(1.0, stats)
    for seconds in work:
        due = await anext(timer)  # Python 3.10: `anext`, the async `next`.
        print(f"tick due at {due - start:.1f}s, taken at {at(start)}, then {seconds:.1f}s of work")
        await asyncio.sleep(seconds)
    await timer.aclose()
    print(f"{len(work)} ticks, {stats['missed']} skipped")
# ANCHOR_END: interval


# ANCHOR: queue
async def jobs(queue):
    """The queue's items up to the sentinel, None."""
    while (job := await queue.get()) is not None:
        yield job


async def queue_as_a_stream():
    print("== a queue as a stream ==")
    queue = asyncio.Queue(maxsize=2)

    async def producer():
        for job in ["resize", "crop", "upload"]:
            await asyncio.sleep(0.5)
            await queue.put(job)
        await queue.put(None)  # The sentinel: no more jobs.

    task = asyncio.create_task(producer())
    start = asyncio.get_running_loop().time()
    async for job in jobs(queue):
        print(f"{at(start)}  got {job}")
    await task
    print(f"{at(start)}  the sentinel ended the stream")
# ANCHOR_END: queue


# ANCHOR: countdown
async def countdown(n):
    """n, n - 1, ... 1, a second apart: Python writes the state machine for us."""
    while n > 0:
        yield n
        n -= 1
        if n > 0:
            await asyncio.sleep(1)
# ANCHOR_END: countdown


async def count_down():
    print("== a hand-written stream ==")
    start = asyncio.get_running_loop().time()
    async for n in countdown(3):
        print(f"{at(start)}  {n}")
    print(f"{at(start)}  liftoff")


JOBS = 10
LIMIT = 3
DOWNLOAD = 1.0


async def download(n, gauge):
    gauge["running"] += 1
    gauge["peak"] = max(gauge["peak"], gauge["running"])
    await asyncio.sleep(DOWNLOAD)
    gauge["running"] -= 1
    return n


# ANCHOR: buffered
async def buffer_unordered(aws, n):
    """At most n of the awaitables at once, each result as soon as it is ready: what futures'
    `buffer_unordered(n)` does. asyncio has none built in; here each one becomes a task."""
    aws = iter(aws)
    pending = set()
    while True:
        for aw in aws:
            pending.add(asyncio.ensure_future(aw))
            if len(pending) == n:
                break
        if not pending:
            return
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            yield task.result()


async def with_buffer_unordered():
    gauge = {"running": 0, "peak": 0}
    start = asyncio.get_running_loop().time()
    done = [n async for n in buffer_unordered((download(n, gauge) for n in range(JOBS)), LIMIT)]
    print(
        f"buffer_unordered({LIMIT}): {len(done)} downloads in {at(start)}, "
        f"at most {gauge['peak']} at once"
    )
# ANCHOR_END: buffered


async def with_a_semaphore():
    gauge = {"running": 0, "peak": 0}
    sem = asyncio.Semaphore(LIMIT)
    start = asyncio.get_running_loop().time()

    async def job(n):
        async with sem:
            return await download(n, gauge)

    done = await asyncio.gather(*(job(n) for n in range(JOBS)))
    print(
        f"Semaphore({LIMIT}):        {len(done)} downloads in {at(start)}, "
        f"at most {gauge['peak']} at once"
    )


async def main():
    await lines_from_a_server()
    await ticks()
    await queue_as_a_stream()
    await count_down()
    print(f"== {JOBS} downloads of {DOWNLOAD:.1f}s, {LIMIT} at once ==")
    await with_buffer_unordered()
    await with_a_semaphore()


asyncio.run(main())
