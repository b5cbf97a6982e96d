"""Exercise 08b in asyncio: a server that does not answer gets a time limit, not an hour.

A shop compares the price of a book on two servers. The second is down: it never answers
(here, it answers after an hour), and the shop awaits it with no limit.

Goal: give each server 2 s (asyncio.wait_for, or `async with asyncio.timeout(2)` on Python
3.11+); one that has not answered by then is skipped with `no answer in 2.0s, skipped`, and
the best price is shown at 2.3 s; print exactly expected.txt. Grade it with
`cargo course check 08b --python`: the output and the loop time (2.3 s) are checked.
"""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


def price(cents):
    return f"{cents // 100}.{cents % 100:02} EUR"


async def ask(start, server, answers_after, cents):
    print(f"{at(start)} asking {server}")
    await asyncio.sleep(answers_after)
    print(f"{at(start)} {server}: {price(cents)}")
    return cents


async def shop():
    start = asyncio.get_running_loop().time()
    servers = [
        ("books.example", 0.3, 4210),
        ("down.example", 3600, 3990),  # Never answers in practice.
    ]
    prices = []
    for server, answers_after, cents in servers:
        prices.append(await ask(start, server, answers_after, cents))
    print(f"{at(start)} best price: {price(min(prices))}")


asyncio.run(shop())
