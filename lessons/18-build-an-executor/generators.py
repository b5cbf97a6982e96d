"""Lesson 18's mini loop in Python, with generators instead of futures and wakers.

    python3 lessons/18-build-an-executor/generators.py

Before `async def` existed, Python coroutines were generators, and asyncio itself began as a loop
that resumed them. A generator "pauses" by *returning* to the loop at `yield`, handing it a note
that says what it waits for; the loop files the generator there and resumes it later with
`send`. It prints the lines of steps 2 and 3 of the Rust lesson (a test compares them). The
clock is virtual: when nothing is ready it jumps to the nearest deadline, where a real loop
would sleep until then.
"""

import heapq
import json
from collections import deque


# ANCHOR: loop
class Task:
    def __init__(self, coro):
        self.coro = coro  # a generator
        self.done = False
        self.result = None
        self.joiners = []  # tasks waiting for this one to finish


class Loop:
    def __init__(self):
        self.ready = deque()  # the run queue: tasks to resume, in wake order
        self.timers = []  # a heap of (deadline in ms, sequence number, task)
        self.seq = 0
        self.now = 0  # virtual milliseconds

    def spawn(self, coro):
        task = Task(coro)
        self.ready.append(task)  # runs at the next turn, not now
        return task

    def run(self, coro):
        main = self.spawn(coro)
        while not main.done:
            # 1. Resume every task that is ready now, once.
            for _ in range(len(self.ready)):
                self.resume(self.ready.popleft())
            # 2. Nothing ready: jump to the nearest deadline (a real loop sleeps until then).
            if not self.ready and self.timers:
                self.now = self.timers[0][0]
            # 3. Timers that are due make their tasks ready.
            while self.timers and self.timers[0][0] <= self.now:
                self.ready.append(heapq.heappop(self.timers)[2])
        return main.result

    def resume(self, task):
        try:
            note = task.coro.send(None)  # run the generator up to its next yield
        except StopIteration as stop:  # it returned
            task.done, task.result = True, stop.value
            self.ready.extend(task.joiners)
            return
        # It yielded a note saying what it waits for. Until that happens, nothing of it runs.
        if note is None:  # yield_now: behind the others
            self.ready.append(task)
        elif note[0] == "sleep":
            heapq.heappush(self.timers, (self.now + note[1], self.seq, task))
            self.seq += 1
        elif note[0] == "join":
            note[1].joiners.append(task)


def sleep(ms):
    yield ("sleep", ms)


def join(task):
    if not task.done:
        yield ("join", task)
    return task.result
# ANCHOR_END: loop


loop = Loop()


# ANCHOR: step2
def count(name, n):
    for i in range(1, n + 1):
        print(f"   {name}: {i} of {n}")
        yield  # yield_now
    return n * 10


def take_turns():
    a = loop.spawn(count("a", 3))
    b = loop.spawn(count("b", 2))
    c = loop.spawn(count("c", 1))
    print("   main: spawned a, b, c; none has run yet")
    results = []
    for task in (a, b, c):
        results.append((yield from join(task)))  # "await task"
    print(f"   main: results {tuple(results)}")
# ANCHOR_END: step2


def cook(what, ms, start):
    yield from sleep(ms)
    print(f"   {loop.now - start:>3} ms  {what} is ready")
    return what


def breakfast():
    start = loop.now
    orders = [("tea", 300), ("toast", 100), ("eggs", 200)]
    cooks = [loop.spawn(cook(what, ms, start)) for what, ms in orders]
    served = []
    for task in cooks:
        served.append((yield from join(task)))
    print(f"   served {json.dumps(served)} after {loop.now - start} ms, not 600")


print("2. a run queue: three tasks take turns")
loop.run(take_turns())
print("3. timers: a heap of deadlines, and a loop that sleeps until the nearest")
loop = Loop()
loop.run(breakfast())
