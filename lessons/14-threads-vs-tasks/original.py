"""Lesson 14 in Python: the same jobs with one thread per job and one task per job.

Run it with `python3 original.py` (add `--verbose` for the raw figures). It prints what the
Rust lesson prints, except on the CPU-bound lines about threads: with the GIL, Python threads
take turns holding the interpreter, so CPU-bound threads run one at a time. (A free-threaded
build, Python 3.13t and later with the GIL disabled, runs them in parallel; the script asks the
interpreter which it is.)
"""

import asyncio
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

IO_JOBS = 500
WAITS = 10
WAIT = 0.02
CPU_JOBS = 4
PRIMES_BELOW = 20_000
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()


def os_threads():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return line.split()[1]
    except OSError:
        pass
    return "not measured on this system"


# ANCHOR: io
def io_with_threads():
    start = time.monotonic()
    done = threading.Barrier(IO_JOBS + 1)

    def job():
        for _ in range(WAITS):
            time.sleep(WAIT)
        done.wait()

    threads = [threading.Thread(target=job) for _ in range(IO_JOBS)]
    for thread in threads:
        thread.start()
    count = os_threads()
    done.wait()
    for thread in threads:
        thread.join()
    return time.monotonic() - start, count


async def io_with_tasks():
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def job():
        for _ in range(WAITS):
            await asyncio.sleep(WAIT)

    tasks = [asyncio.create_task(job()) for _ in range(IO_JOBS)]
    count = os_threads()
    await asyncio.gather(*tasks)
    return loop.time() - start, count
# ANCHOR_END: io


def io_bucket(took):
    if took < WAIT * WAITS * IO_JOBS / 10:
        return "the waits overlapped (under 10 s; in a row: 100 s)"
    return "the waits did not overlap (10 s or more)"


def count_primes(n):
    count = sum(1 for k in range(2, n) if all(k % d for d in range(2, int(k**0.5) + 1)))
    # Thread names are unique in a run; idents (and native ids) can be reused once a thread ends.
    return count, threading.current_thread().name


def cpu_in_a_row():
    return [count_primes(PRIMES_BELOW) for _ in range(CPU_JOBS)]


def cpu_with_tasks():
    async def main():
        async def job():
            return count_primes(PRIMES_BELOW)

        return await asyncio.gather(*(job() for _ in range(CPU_JOBS)))

    return asyncio.run(main())


def cpu_with_threads():
    results = [None] * CPU_JOBS

    def job(i):
        results[i] = count_primes(PRIMES_BELOW)

    threads = [threading.Thread(target=job, args=(i,)) for i in range(CPU_JOBS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def cpu_with_the_pool():
    async def main():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor() as pool:
            jobs = [loop.run_in_executor(pool, count_primes, PRIMES_BELOW) for _ in range(CPU_JOBS)]
            return await asyncio.gather(*jobs)

    return asyncio.run(main())


def time_against_in_a_row(f):
    """The best of five runs of the jobs in a row and of `f`, taken in turns."""
    in_a_row = took = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        cpu_in_a_row()
        in_a_row = min(in_a_row, time.perf_counter() - start)
        start = time.perf_counter()
        f()
        took = min(took, time.perf_counter() - start)
    return in_a_row, took


def main():
    verbose = "--verbose" in sys.argv
    print(f"I/O-bound: {IO_JOBS} jobs, each waiting {WAITS} times for {int(WAIT * 1000)}ms")
    took, threads = asyncio.run(io_with_tasks())
    print(f"  one task per job:   {io_bucket(took)}")
    print(f"    threads in the process: {threads}")
    if verbose:
        print(f"    (raw: {took * 1000:.1f}ms on the loop's clock)")
    took, threads = io_with_threads()
    print(f"  one thread per job: {io_bucket(took)}")
    print(f"    threads in the process: {threads}")
    if verbose:
        print(f"    (raw: {took * 1000:.1f}ms)")

    print(f"CPU-bound: {CPU_JOBS} jobs, each counting the primes below {PRIMES_BELOW}")
    baseline = cpu_in_a_row()
    print(f"  each job finds {baseline[0][0]} primes")
    for name, run in [
        ("one task per job:", cpu_with_tasks),
        ("one thread per job:", cpu_with_threads),
        ("run_in_executor:", cpu_with_the_pool),
    ]:
        results = run()
        assert all(r[0] == baseline[0][0] for r in results)
        n = len({name for _, name in results})
        threads = "pool threads" if run is cpu_with_the_pool else f"{n} OS threads"
        if n == 1:
            how = "1 OS thread, one job at a time"
        elif GIL:
            how = f"{threads}, one job at a time (the GIL)"
        else:
            how = f"{threads}, in parallel on the free cores"
        print(f"  {name:<20} {how}")
        if verbose:
            in_a_row, took = time_against_in_a_row(run)
            print(f"    (raw: {took * 1000:.1f}ms, x{in_a_row / took:.2f} against "
                  f"{in_a_row * 1000:.1f}ms in a row)")


if __name__ == "__main__":
    main()
