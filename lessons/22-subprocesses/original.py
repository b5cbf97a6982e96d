"""Lesson 22 in asyncio: workers in child processes, fed jobs on stdin, read on stdout.

Run it with `python3 original.py`. Each worker is this script again (`--worker N`), started
with `asyncio.create_subprocess_exec(sys.executable, __file__, ...)`: a plain blocking
program. First one worker, whose lines are printed as they come; then five at once, round by
round, each answer awaited for at most a second: one worker fails, a slow one is killed. Last,
every worker's exit status.
"""

import asyncio
import sys
import time
from asyncio.subprocess import PIPE

# How many rounds of jobs the five workers get.
ROUNDS = 3

# The jobs of the five workers, round by round: how long each takes, in tenths of a second.
# Worker 3 cannot do a job of negative length, and worker 5's second job takes a minute.
JOBS = [[1, 2, 1], [2, 1, 3], [1, -1, 1], [3, 1, 2], [2, 600, 1]]

# How long the parent waits for each answer, in seconds.
ANSWER_WITHIN = 1.0


# ANCHOR: worker
def worker(n):
    """`--worker N`: says "ready", then does each job line of its stdin, until it ends."""
    print("ready", flush=True)
    for line in sys.stdin:
        _, job, tenths = line.split()
        tenths = int(tenths)
        if tenths < 0:
            print(f"worker {n}: job {job} has a negative length ({tenths} tenths)", file=sys.stderr)
            return 2
        time.sleep(tenths / 10)
        print(f"job {job} done", flush=True)
    return 0  # End of file: no more jobs.
# ANCHOR_END: worker


# ANCHOR: start
async def start_worker(n):
    return await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--worker", str(n), stdin=PIPE, stdout=PIPE, stderr=PIPE
    )
# ANCHOR_END: start


def describe(returncode):
    """"exit code 0", or "killed by signal 9" (asyncio reports a signal as -9)."""
    return f"killed by signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


# ANCHOR: lines
async def one_worker():
    print("one worker, its lines as they come:")
    proc = await start_worker(1)
    for job in range(1, 4):
        proc.stdin.write(f"job {job} 2\n".encode())
    proc.stdin.close()  # No more jobs: the worker exits after the third.
    async for line in proc.stdout:
        print(f"  worker 1 says: {line.decode().rstrip()}")
    print(f"  worker 1: {describe(await proc.wait())}")
# ANCHOR_END: lines


# ANCHOR: ask
async def ask(n, proc, job, tenths):
    """Returns (n, answer, gone): gone when the worker gets no more jobs."""
    proc.stdin.write(f"job {job} {tenths}\n".encode())
    try:
        await proc.stdin.drain()
    except ConnectionError as e:
        return n, f"cannot take the job: {e}", True
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), ANSWER_WITHIN)
    except asyncio.TimeoutError:
        proc.kill()  # SIGKILL; `wait` collects it below.
        return n, f"no answer within {ANSWER_WITHIN:.1f}s: killed", True
    if not line:
        return n, "closed its stdout without an answer", True
    return n, line.decode().rstrip(), False
# ANCHOR_END: ask


# ANCHOR: rounds
async def five_workers():
    print(f"five workers, three rounds, {ANSWER_WITHIN:.1f}s for each answer:")
    procs = {n: await start_worker(n) for n in range(1, len(JOBS) + 1)}
    ready = await asyncio.gather(*(proc.stdout.readline() for proc in procs.values()))
    count = sum(line == b"ready\n" for line in ready)
    print(f"  {count} workers ready")

    working = list(procs)
    for round in range(1, ROUNDS + 1):
        print(f"round {round}")
        answers = await asyncio.gather(
            *(ask(n, procs[n], round, JOBS[n - 1][round - 1]) for n in working)
        )
        for n, answer, gone in answers:
            print(f"  worker {n}: {answer}")
            if gone:
                working.remove(n)
    # ANCHOR_END: rounds

    # ANCHOR: statuses
    print("exit statuses:")
    for n, proc in procs.items():
        proc.stdin.close()  # End of file: a worker still there finishes and exits.
        returncode = await proc.wait()
        stderr = (await proc.stderr.read()).decode().rstrip()
        said = f"; stderr: {stderr}" if stderr else ""
        print(f"  worker {n}: {describe(returncode)}{said}")
# ANCHOR_END: statuses


async def main():
    await one_worker()
    print()
    await five_workers()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        sys.exit(worker(int(sys.argv[2])))
    asyncio.run(main())
