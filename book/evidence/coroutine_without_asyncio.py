"""An `async def` coroutine, suspended and resumed without asyncio, in the Python that runs
this script: `python3 -W default coroutine_without_asyncio.py` prints one row of the table in
coroutine_without_asyncio.md.

The coroutine awaits an object that suspends it once; the script drives it by hand with
`send`, as any event loop does, and says whether asyncio was ever imported.
"""

import sys

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default coroutine_without_asyncio.py")


class Ticket:
    """Awaiting a Ticket suspends the coroutine until whoever drives it sends a value."""

    def __await__(self):
        value = yield "waiting for a ticket"
        return value


async def main():
    got = await Ticket()
    return got * 2


coroutine = main()
said = coroutine.send(None)  # runs main() up to its first suspension
try:
    coroutine.send(21)  # resumes it where it stopped
except StopIteration as stop:
    result = stop.value
imported = "yes" if "asyncio" in sys.modules else "no"
version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {said!r} | {result} | {imported} |")
