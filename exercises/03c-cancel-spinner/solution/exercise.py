"""Exercise 03c in asyncio, solved: cancel() the spinner, then await it, so that its finally
runs before the page is drawn."""

import asyncio


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def spinner(start):
    try:
        while True:
            await asyncio.sleep(1)
            print(f"{at(start)} spinner: still loading")
    finally:
        print(f"{at(start)} spinner: stopped")


async def load_page(start):
    await asyncio.sleep(2.5)
    print(f"{at(start)} page loaded: 3 images")
    return 3


async def browser():
    start = asyncio.get_running_loop().time()
    print(f"{at(start)} loading the page")
    spinning = asyncio.create_task(spinner(start))
    images = await load_page(start)
    spinning.cancel()
    try:
        await spinning
    except asyncio.CancelledError:
        pass
    await asyncio.sleep(0.4 * images)
    print(f"{at(start)} page shown")


asyncio.run(browser())
