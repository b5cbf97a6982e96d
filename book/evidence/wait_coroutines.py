"""What `asyncio.wait` does with bare coroutines, as one article passes them
(`done, pending = await asyncio.wait(coroutines)`), in the Python that runs this script:
`python3 -W default wait_coroutines.py` prints one row of the table in wait_coroutines.md.
"""

import asyncio
import sys
import warnings

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default wait_coroutines.py")


async def coroutine1():
    return 1


async def main():
    coroutine = coroutine1()
    with warnings.catch_warnings(record=True) as caught:
        try:
            done, pending = await asyncio.wait([coroutine])
        except Exception as e:
            coroutine.close()  # never awaited: say nothing more about it
            return f"{type(e).__name__}: {e}"
    said = [f"{w.category.__name__}: {w.message}" for w in caught]
    # What `done` holds: the coroutines passed in, or tasks made from them?
    kind = type(next(iter(done))).__name__
    return "; ".join(said + [f"done holds a {kind}, not the coroutine"])


loop = asyncio.new_event_loop()
said = loop.run_until_complete(main())
loop.close()
version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {said} |")
