"""Run an asyncio program with a virtual clock, the twin of aio's AIO_CLOCK=virtual.

    python3 run_virtual.py original.py [args...]
    RUN_VIRTUAL_REPORT=1 python3 run_virtual.py exercise.py [args...]

When no callback is ready and the loop would wait only for timers, the clock jumps to the next
timer instead of sleeping, so `await asyncio.sleep(3600)` returns at once and `loop.time()`
reads exactly one hour later. While sockets are registered, the loop first listens briefly
(as aio does); real I/O still takes real time. While a child process the loop started is
running, the clock does not jump at all (as aio does): the child works in real time, and a
timeout around it must not fire before it had the chance to answer.

With RUN_VIRTUAL_REPORT=1, it prints the loop time when the program exits (the sum over its
event loops, as the exercises' grader reads it from aio's trace) as the last line on stderr.

It uses only public asyncio and selectors interfaces, and runs on Python 3.10 and newer.
"""

import asyncio
import atexit
import os
import runpy
import selectors
import sys
import time


# ANCHOR: jumping
class _JumpingSelector(selectors.DefaultSelector):
    def __init__(self, clock, children_running):
        super().__init__()
        self._clock = clock
        self._children_running = children_running

    def select(self, timeout=None):
        if timeout is None or timeout <= 0:
            return super().select(timeout)
        # A child process runs: wait in real time, and let the clock follow.
        if self._children_running():
            started = time.monotonic()
            ready = super().select(timeout)
            self._clock.offset += time.monotonic() - started
            return ready
        # Sockets other than the loop's own wake-up pipe: give them a moment first.
        if len(self.get_map()) > 1:
            started = time.monotonic()
            ready = super().select(min(timeout, 0.001))
            if ready:
                self._clock.offset += time.monotonic() - started
                return ready
        else:
            ready = super().select(0)
            if ready:
                return ready
        self._clock.offset += timeout
        return []
# ANCHOR_END: jumping


class _Clock:
    def __init__(self):
        self.offset = 0.0


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock skips idle time that only timers fill."""

    def __init__(self):
        self._virtual = _Clock()
        # The transports of the child processes this loop started.
        self._children = []
        super().__init__(_JumpingSelector(self._virtual, self._children_running))

    def time(self):
        return self._virtual.offset

    async def subprocess_exec(self, *args, **kwargs):
        transport, protocol = await super().subprocess_exec(*args, **kwargs)
        self._children.append(transport)
        return transport, protocol

    async def subprocess_shell(self, *args, **kwargs):
        transport, protocol = await super().subprocess_shell(*args, **kwargs)
        self._children.append(transport)
        return transport, protocol

    def _children_running(self):
        self._children = [t for t in self._children if t.get_returncode() is None]
        return bool(self._children)


class VirtualTimePolicy(asyncio.DefaultEventLoopPolicy):
    def __init__(self, clocks=None):
        super().__init__()
        # With RUN_VIRTUAL_REPORT: the clock of every loop made, for the report at exit.
        self._clocks = clocks

    def new_event_loop(self):
        loop = VirtualTimeLoop()
        if self._clocks is not None:
            self._clocks.append(loop._virtual)
        return loop


def _report(clocks):
    total = sum(clock.offset for clock in clocks)
    print(f"loop time: {total:.3f}s", file=sys.stderr, flush=True)


if __name__ == "__main__":
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    clocks = None
    if os.environ.get("RUN_VIRTUAL_REPORT", "0") not in ("", "0"):
        clocks = []
        atexit.register(_report, clocks)
    asyncio.set_event_loop_policy(VirtualTimePolicy(clocks))
    runpy.run_path(script, run_name="__main__")
