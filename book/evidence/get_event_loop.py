"""What asyncio.get_event_loop() does in the main thread when no loop is running, in the
Python that runs this script: run it with `python3 -W default get_event_loop.py`.

It prints one row of the table in get_event_loop.md, for its own Python version:

    | 3.12.1 | DeprecationWarning: There is no current event loop | no warning | no warning |

The columns are three situations: no loop set at all (the article's
`loop = asyncio.get_event_loop()` at the top of a program), a loop set with
`asyncio.set_event_loop()` but not running, and inside a coroutine (a running loop).
`-W default` shows every DeprecationWarning, wherever it comes from, so that whether one is
emitted does not depend on which module the call is in.
"""

import asyncio
import sys
import warnings

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default get_event_loop.py")


def outcome(call):
    """What `call()` did: the warnings it emitted, or the exception it raised."""
    with warnings.catch_warnings(record=True) as caught:
        try:
            call()
        except Exception as e:
            return f"{type(e).__name__}: {e}"
    said = [f"{w.category.__name__}: {w.message}" for w in caught]
    return "; ".join(said) or "no warning"


def no_loop_set():
    loop = asyncio.get_event_loop()
    loop.close()


def a_loop_set():
    asyncio.set_event_loop(asyncio.new_event_loop())
    asyncio.get_event_loop().close()


async def in_a_coroutine():
    return outcome(asyncio.get_event_loop)


first = outcome(no_loop_set)
second = outcome(a_loop_set)
asyncio.set_event_loop(None)
loop = asyncio.new_event_loop()
third = loop.run_until_complete(in_a_coroutine())
loop.close()

version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {first} | {second} | {third} |")
