"""Lesson 13 in asyncio: producer, workers and a bounded queue (the asyncio docs' pattern).

Run it with `python3 original.py`. Times are read from the loop's clock (`loop.time()`), as
the Rust lesson reads `aio::now()`.
"""

import asyncio

# How long each job takes, in seconds: job n takes JOB_TIMES[n].
JOB_TIMES = [0.3, 0.5, 0.2, 0.4, 0.1, 0.3, 0.2, 0.4]
WORKERS = 3
MAXSIZE = 2


# ANCHOR: worker
async def worker(name, queue, start):
    loop = asyncio.get_running_loop()
    while True:
        job = await queue.get()
        print(f"{loop.time() - start:.1f}s  {name} starts job {job}")
        await asyncio.sleep(JOB_TIMES[job])
        queue.task_done()  # Exactly once per item got.
# ANCHOR_END: worker


# ANCHOR: main
async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    queue = asyncio.Queue(maxsize=MAXSIZE)
    workers = [
        asyncio.create_task(worker(f"worker-{i}", queue, start)) for i in range(WORKERS)
    ]

    for job in range(len(JOB_TIMES)):
        before = loop.time()
        await queue.put(job)  # Waits while the queue is full: backpressure.
        waited = loop.time() - before
        # Only waits that show at the precision printed (real time adds microseconds).
        note = f" (waited {waited:.1f}s for room)" if waited >= 0.05 else ""
        print(f"{loop.time() - start:.1f}s  producer put job {job}{note}")

    await queue.join()  # Every job was got *and* marked done.
    print(f"{loop.time() - start:.1f}s  all jobs done")

    for task in workers:
        task.cancel()  # The workers loop forever: cancel them ...
    results = await asyncio.gather(*workers, return_exceptions=True)  # ... and wait for them.
    cancelled = sum(isinstance(r, asyncio.CancelledError) for r in results)
    print(f"{cancelled} workers cancelled")
    print(f"work: {sum(JOB_TIMES):.1f}s in all, done in {loop.time() - start:.1f}s by {WORKERS} workers")
# ANCHOR_END: main


asyncio.run(main())
