"""Exercise 24a in asyncio: payments that are not lost, with a Lock.

Four customers pay into one account at the same time, each in a task of its own. A payment
reads the balance, awaits the bank's fee for that balance (1 %, which takes the bank a tenth
of a second), and writes balance + amount - fee. All four read 1000 before any of them writes,
and three of the four payments vanish.

Goal: hold one asyncio.Lock (`async with`) from the read to the write of each payment. Then the
balance ends at 1953, after 0.4 s; print exactly expected.txt. Grade it with
`cargo course check 24a --python`: the output and the loop time are checked.
"""

import asyncio

PAYMENTS = [("ann", 100), ("ben", 200), ("cid", 300), ("dee", 400)]


class Account:
    def __init__(self, balance):
        self.balance = balance


def at(start):
    return f"{asyncio.get_running_loop().time() - start:.1f}s"


async def fee(balance):
    await asyncio.sleep(0.1)
    return balance // 100


async def pay(account, who, amount, start):
    read = account.balance
    charged = await fee(read)  # Other payments run here.
    account.balance = read + amount - charged
    print(f"{at(start)}  {who} pays {amount}, fee {charged}: balance {account.balance}")


async def pay_all():
    account = Account(1000)
    start = asyncio.get_running_loop().time()
    await asyncio.gather(*(pay(account, who, amount, start) for who, amount in PAYMENTS))
    print(f"balance {account.balance} after {at(start)}")


asyncio.run(pay_all())
