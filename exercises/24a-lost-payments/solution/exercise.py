"""Exercise 24a in asyncio, solved: one asyncio.Lock, held from the read to the write."""

import asyncio

PAYMENTS = [("ann", 100), ("ben", 200), ("cid", 300), ("dee", 400)]


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = asyncio.Lock()


def at(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


async def fee(balance):
    await asyncio.sleep(0.1)
    return balance // 100


async def pay(account, who, amount, start):
    async with account.lock:  # Waits while another payment holds it.
        read = account.balance
        charged = await fee(read)  # Still holding the lock.
        account.balance = read + amount - charged
        print(f"{at(start)}  {who} pays {amount}, fee {charged}: balance {account.balance}")


async def pay_all():
    account = Account(1000)
    start = asyncio.get_running_loop().time()
    await asyncio.gather(*(pay(account, who, amount, start) for who, amount in PAYMENTS))
    print(f"balance {account.balance} after {at(start)}")


asyncio.run(pay_all())
