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

With RUN_VIRTUAL_TRACE=1, it writes aio's trace lines (AIO_TRACE=1) on stderr, in the same
format, so that `cargo run -p timeline` draws the twin as it draws the lesson:

    aio trace: t=0.000s spawn  task #1 'download_page' (spawned at original.py:60)
    aio trace: t=0.000s poll   task #1 'download_page' (spawned at original.py:60)
    aio trace: t=0.000s timer  due at t=3.000s

A task is numbered in the order it was created and named by `Task.get_name()`, or by its
coroutine's name when it has the default name; the coroutine given to `asyncio.run` is `the
main future`. A `poll` is one step of a task (asyncio runs a coroutine up to its next `await`
that suspends); `fire` is one timer's callback. Once the main coroutine is done (`end`),
nothing more is traced: asyncio.run then cancels the leftover tasks, as aio's `run` does.
Stdout is left alone.

It uses only public asyncio and selectors interfaces, and runs on Python 3.10 and newer.
"""

import asyncio
import atexit
import collections.abc
import os
import re
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
        self._tracer = None
        # The transports of the child processes this loop started.
        self._children = []
        if os.environ.get("RUN_VIRTUAL_TRACE", "0") not in ("", "0"):
            self._tracer = _Tracer(self)
            super().__init__(
                _TracingSelector(self._virtual, self._children_running, self._tracer)
            )
        else:
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

    def create_task(self, coro, **kwargs):
        if self._tracer is None:
            return super().create_task(coro, **kwargs)
        create = super().create_task
        return self._tracer.create_task(coro, lambda traced: create(traced, **kwargs))

    def call_at(self, when, callback, *args, context=None):
        if self._tracer is not None:
            callback = self._tracer.timer(when, callback)
        return super().call_at(when, callback, *args, context=context)


class _Tracer:
    """Writes aio's trace lines for one loop (RUN_VIRTUAL_TRACE=1)."""

    def __init__(self, loop):
        self._loop = loop
        self._spawned = 0  # Tasks created so far: the next one is number _spawned + 1.
        self._alive = 0  # Tasks created and not yet finished (the main coroutine aside).
        self._has_main = False
        self._ended = False
        self.emit("start", "a loop on the virtual clock")

    def emit(self, event, what, at=None):
        if self._ended:
            return
        at = self._loop.time() if at is None else at
        print(f"aio trace: t={_secs(at)}s {event:<6} {what}", file=sys.stderr, flush=True)

    def create_task(self, coro, create):
        # The first task made outside any task is the coroutine given to asyncio.run.
        if not self._has_main and asyncio.current_task(self._loop) is None:
            self._has_main = True
            return create(_Traced(coro, self, "the main future"))
        site = _caller()
        traced = _Traced(coro, self, None)
        task = create(traced)
        self._spawned += 1
        self._alive += 1
        name = task.get_name()
        if re.fullmatch(r"Task-\d+", name):
            name = getattr(coro, "__name__", type(coro).__name__)
        traced.who = f"task #{self._spawned} '{name}' (spawned at {site})"
        self.emit("spawn", traced.who)
        return task

    def finished(self, traced, event, how=""):
        self.emit(event, traced.who + how)
        if traced.who == "the main future":
            left = self._alive
            if left == 0:
                self.emit("end", "no task left running")
            elif left == 1:
                self.emit("end", "1 task still running is cancelled")
            else:
                self.emit("end", f"{left} tasks still running are cancelled")
            self._ended = True
        else:
            self._alive -= 1

    def timer(self, when, callback):
        self.emit("timer", f"due at t={_secs(when)}s")

        def fire(*args):
            self.emit("fire", "1 timer")
            return callback(*args)

        return fire


class _Traced(collections.abc.Coroutine):
    """A task's coroutine, wrapped: each step of it (send or throw) is a `poll`."""

    def __init__(self, coro, tracer, who):
        self._coro = coro
        self._tracer = tracer
        self.who = who
        self.__qualname__ = getattr(coro, "__qualname__", type(coro).__name__)
        self.__name__ = getattr(coro, "__name__", self.__qualname__)

    def send(self, value):
        return self._step(self._coro.send, value)

    def throw(self, *args):
        return self._step(self._coro.throw, *args)

    def close(self):
        return self._coro.close()

    def __await__(self):
        return self._coro.__await__()

    def _step(self, step, *args):
        self._tracer.emit("poll", self.who)
        try:
            return step(*args)
        except StopIteration:
            self._tracer.finished(self, "done")
            raise
        except asyncio.CancelledError:
            self._tracer.finished(self, "cancel")
            raise
        except BaseException as e:
            self._tracer.finished(self, "done", f" (raised {type(e).__name__})")
            raise


class _TracingSelector(_JumpingSelector):
    """The jumping selector, saying when the clock jumps and what woke the loop."""

    def __init__(self, clock, children_running, tracer):
        super().__init__(clock, children_running)
        self._tracer = tracer
        self._wakeup_fd = None

    def register(self, fileobj, events, data=None):
        key = super().register(fileobj, events, data)
        if self._wakeup_fd is None:
            self._wakeup_fd = key.fd  # The loop registers its own wake-up pipe first.
        return key

    def select(self, timeout=None):
        before = self._clock.offset
        ready = super().select(timeout)
        if timeout == 0:
            return ready
        sockets = sum(1 for key, _ in ready if key.fd != self._wakeup_fd)
        if sockets:
            self._tracer.emit("wake", f"{sockets} socket event" + ("s" if sockets > 1 else ""))
        elif ready:
            self._tracer.emit("wake", "notified by a waker")
        elif timeout is not None and self._clock.offset == before + timeout:
            to = _secs(self._clock.offset)
            self._tracer.emit("jump", f"to t={to}s: only timers are left to wait for", before)
        return ready


def _secs(t):
    """Seconds as aio's trace writes them: to the millisecond, truncated (1.250)."""
    ms = round(t * 1_000_000) // 1000
    return f"{ms // 1000}.{ms % 1000:03}"


def _caller():
    """Where the program called create_task (or gather, TaskGroup ...): `file:line`."""
    frame = sys._getframe(2)
    asyncio_dir = os.path.dirname(asyncio.__file__)
    here = os.path.abspath(__file__)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(asyncio_dir) and path != here:
            return f"{os.path.relpath(path)}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


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
