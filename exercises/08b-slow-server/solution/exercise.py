"""Exercise 08b in asyncio, solved: asyncio.wait_for cancels the request when the time is up
and raises TimeoutError (asyncio.TimeoutError before Python 3.11)."""

import asyncio

LIMIT = 2


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
        ("down.example", 3600, 3990),
    ]
    prices = []
    for server, answers_after, cents in servers:
        try:
            prices.append(await asyncio.wait_for(ask(start, server, answers_after, cents), LIMIT))
        except asyncio.TimeoutError:
            print(f"{at(start)} {server}: no answer in {LIMIT:.1f}s, skipped")
    print(f"{at(start)} best price: {price(min(prices))}")


asyncio.run(shop())
