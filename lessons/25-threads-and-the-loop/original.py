"""Lesson 25 in asyncio: threads and the loop.

Run it with `python3 original.py`. A blocking library calls back on its own thread, and the
callback hands each reading to the loop with `loop.call_soon_threadsafe`; a worker thread runs
coroutines on the loop with `asyncio.run_coroutine_threadsafe` and blocks for each result; the
wrong way (a loop-only call on the library's thread) is caught by asyncio's debug mode.
"""

import asyncio
import concurrent.futures
import threading
from dataclasses import dataclass


@dataclass
class Reading:
    number: int
    celsius: float


# ANCHOR: sensor
class Sensor:
    """A blocking library: reads a sensor on a thread of its own ("sensor") and calls
    `on_reading` there with each reading, then with None. A callback that raises stops the
    sensor; `join` returns its message."""

    def __init__(self, readings, on_reading):
        self._error = None
        self._thread = threading.Thread(
            target=self._run, args=(readings, on_reading), name="sensor"
        )
        self._thread.start()

    def _run(self, readings, on_reading):
        try:
            for number, celsius in enumerate(readings, 1):
                on_reading(Reading(number, celsius))
            on_reading(None)
        except Exception as error:  # The library survives its callback.
            self._error = str(error)

    def join(self):
        self._thread.join()
        return self._error
# ANCHOR_END: sensor


def which_thread(loop_thread):
    if threading.get_ident() == loop_thread:
        return "the loop's thread"
    return f"thread {threading.current_thread().name}"


# ANCHOR: callback_thread
async def a_library_calls_back_on_its_thread():
    print("== a library calls back on its own thread ==")
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    readings = asyncio.Queue()

    def on_reading(reading):
        # On the sensor's thread: hand the reading over, and return to the library at once.
        item = None if reading is None else (reading, which_thread(loop_thread))
        loop.call_soon_threadsafe(readings.put_nowait, item)

    sensor = Sensor([21.5, 21.7, 22.4], on_reading)
    count = 0
    while (item := await readings.get()) is not None:
        reading, called_on = item
        handled_on = which_thread(loop_thread)
        print(f"reading {reading.number}: {reading.celsius:.1f} °C "
              f"(called back on {called_on}, handled on {handled_on})")
        count += 1
    await asyncio.to_thread(sensor.join)
    print(f"the sensor stopped after {count} readings")
# ANCHOR_END: callback_thread


async def lookup_price(item):
    await asyncio.sleep(0.1)
    prices = {"apples": 3, "pears": 4}
    if item not in prices:
        raise LookupError(f"no price for {item}")
    return prices[item]


# ANCHOR: worker
def worker(loop, loop_thread):
    for item in ["apples", "pears", "durian"]:
        async def timed_lookup():
            start = loop.time()
            price = await lookup_price(item)
            return price, loop.time() - start, which_thread(loop_thread)

        lookup = asyncio.run_coroutine_threadsafe(timed_lookup(), loop)
        try:
            price, took, on = lookup.result()
            print(f"worker: {item} cost {price} (looked up on {on}, in {took:.1f} s of loop time)")
        except LookupError as error:
            print(f"worker: {item} failed: {error}")

    async def never_answers():
        await asyncio.Event().wait()

    stuck = asyncio.run_coroutine_threadsafe(never_answers(), loop)
    try:
        outcome = stuck.result(timeout=0.2)
        print(f"worker: the lookup answered after all: {outcome!r}")
    except concurrent.futures.TimeoutError:
        print("worker: no answer within 0.2 s, so cancel the lookup")
        stuck.cancel()
        try:
            stuck.result()
        except concurrent.futures.CancelledError:
            print("worker: the stuck lookup was cancelled")
# ANCHOR_END: worker


async def a_worker_thread_runs_coroutines_on_the_loop():
    print("== a worker thread runs coroutines on the loop ==")
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    finished = loop.create_future()

    def run_worker():
        worker(loop, loop_thread)
        loop.call_soon_threadsafe(finished.set_result, None)

    thread = threading.Thread(target=run_worker, name="worker")
    thread.start()
    await finished
    print("the loop: the worker is done")
    await asyncio.to_thread(thread.join)


# ANCHOR: wrong_way
async def the_wrong_way():
    print("== the wrong way: a loop-only call on the library's thread ==")
    loop = asyncio.get_running_loop()
    loop.set_debug(True)  # Without it, call_soon from another thread is not checked.

    def on_reading(reading):
        if reading is not None:
            loop.call_soon(print, f"reading {reading.number}")

    sensor = Sensor([21.5], on_reading)
    message = await asyncio.to_thread(sensor.join)
    loop.set_debug(False)
    if message is not None:
        print("the callback called call_soon on the sensor's thread: refused")
        print(f"  says: {message}")
    else:
        print("the callback called call_soon on the sensor's thread: accepted")
# ANCHOR_END: wrong_way


async def main():
    await a_library_calls_back_on_its_thread()
    await a_worker_thread_runs_coroutines_on_the_loop()
    await the_wrong_way()
    return asyncio.get_running_loop()


# ANCHOR: closed
loop = asyncio.run(main())
print("== after the loop has closed ==")
try:
    loop.call_soon_threadsafe(print, "too late")
    print("call_soon_threadsafe: accepted")
except RuntimeError:  # "Event loop is closed"
    print("call_soon_threadsafe: refused, the loop is closed")
# ANCHOR_END: closed
