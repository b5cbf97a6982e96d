# Needs Python 3.11: asyncio.Barrier
"""Lesson 24 in asyncio: coordinating tasks with Lock, Event, Condition and Barrier.

Run it with `python3 original.py`. Times are read from the loop's clock (`loop.time()`), as
the Rust lesson reads `aio::now()`.
"""

import asyncio

WITHDRAWALS = [("alice", 30, 0.1), ("bob", 50, 0.2)]


def at(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


class Account:
    def __init__(self, balance):
        self.balance = balance


# ANCHOR: race
async def withdraw(account, who, amount, call, start):
    read = account.balance
    print(f"{at(start)}  {who} reads {read}")
    await asyncio.sleep(call)  # The bank call: other tasks run here.
    account.balance = read - amount
    print(f"{at(start)}  {who} writes {read} - {amount} = {read - amount}")


async def race():
    print("== read, await, write: a race ==")
    account = Account(100)
    start = asyncio.get_running_loop().time()
    await asyncio.gather(*(withdraw(account, *w, start) for w in WITHDRAWALS))
    print(f"balance {account.balance}, not 20: bob wrote over alice's withdrawal")
# ANCHOR_END: race


# ANCHOR: locked
async def withdraw_locked(account, lock, who, amount, call, start):
    async with lock:  # Held from the read to the write, across the await.
        read = account.balance
        print(f"{at(start)}  {who} reads {read}")
        await asyncio.sleep(call)
        account.balance = read - amount
        print(f"{at(start)}  {who} writes {read} - {amount} = {read - amount}")
# ANCHOR_END: locked


async def locked():
    print("== the same with a Lock ==")
    account = Account(100)
    lock = asyncio.Lock()
    start = asyncio.get_running_loop().time()
    await asyncio.gather(*(withdraw_locked(account, lock, *w, start) for w in WITHDRAWALS))
    print(f"balance {account.balance}")


# ANCHOR: event
async def starting_gun():
    print("== an Event: a starting gun ==")
    gun = asyncio.Event()
    start = asyncio.get_running_loop().time()

    async def runner(n):
        print(f"{at(start)}  runner {n} on the mark")
        await gun.wait()
        print(f"{at(start)}  runner {n} off")

    runners = [asyncio.create_task(runner(n)) for n in range(1, 4)]
    await asyncio.sleep(1)
    print(f"{at(start)}  bang!")
    gun.set()
    await asyncio.gather(*runners)
# ANCHOR_END: event


class Shop:
    def __init__(self):
        self.stock = 0
        self.cond = asyncio.Condition()


# ANCHOR: condition
async def buyer(shop, who, want, start):
    async with shop.cond:
        while shop.stock < want:
            print(f"{at(start)}  {who} wants {want}, stock {shop.stock}: waits")
            await shop.cond.wait()  # Lets the lock go while it waits.
        shop.stock -= want
        print(f"{at(start)}  {who} buys {want}, stock {shop.stock}")


async def patient_buyer(shop, who, want, start):
    async with shop.cond:
        print(f"{at(start)}  {who} wants {want}, waits for stock")
        await shop.cond.wait_for(lambda: shop.stock >= want)
        shop.stock -= want
        print(f"{at(start)}  {who} buys {want}, stock {shop.stock}")


async def supplier(shop, start):
    for _ in range(3):
        await asyncio.sleep(0.5)
        async with shop.cond:
            shop.stock += 1
            print(f"{at(start)}  supplier delivers, stock {shop.stock}")
            shop.cond.notify_all()
# ANCHOR_END: condition


async def stock():
    print("== a Condition: buyers wait for stock ==")
    shop = Shop()
    start = asyncio.get_running_loop().time()
    await asyncio.gather(
        buyer(shop, "ann", 2, start),
        patient_buyer(shop, "ben", 1, start),
        supplier(shop, start),
    )


# ANCHOR: barrier
async def start_line():
    print("== a Barrier: all ready before anyone starts ==")
    line = asyncio.Barrier(3)
    start = asyncio.get_running_loop().time()

    async def runner(who, lacing):
        await asyncio.sleep(lacing)
        print(f"{at(start)}  {who} is ready")
        arrived = await line.wait()  # BrokenBarrierError only if it was aborted.
        print(f"{at(start)}  {who} goes (arrived {arrived})")

    await asyncio.gather(runner("cara", 0.5), runner("dan", 0.2), runner("eve", 0.3))
# ANCHOR_END: barrier


# ANCHOR: siblings
def siblings():
    print("== the queue's siblings ==")
    for kind in (asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue):
        queue = kind()
        for n in [3, 1, 2]:
            queue.put_nowait(n)
        got = [str(queue.get_nowait()) for _ in range(3)]
        print(f"{kind.__name__:<15}put 3 1 2, got {' '.join(got)}")
# ANCHOR_END: siblings


async def main():
    await race()
    await locked()
    await starting_gun()
    await stock()
    await start_line()
    siblings()


asyncio.run(main())
