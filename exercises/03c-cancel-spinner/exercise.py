"""Exercise 03c in asyncio: a helper task nobody needs any more is cancelled.

While a page loads, a spinner task says once a second that it is still loading. It loops for
ever, and nobody stops it: it goes on while the page is drawn, until asyncio.run cancels it at
the very end.

Goal: as soon as the page is loaded, cancel the spinner, so that it stops at 2.5 s (its
`finally` prints `spinner: stopped`) before the page is drawn; print exactly expected.txt.
Grade it with `cargo course check 03c --python`.
"""

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
    spinning = asyncio.create_task(spinner(start))  # Keeps the user company.
    images = await load_page(start)
    await asyncio.sleep(0.4 * images)  # Draws the page.
    print(f"{at(start)} page shown")


asyncio.run(browser())
