"""Whether asyncio's event loop can wait for a regular file the way it waits for a socket,
in the Python that runs this script: `python3 -W default pipe_on_a_file.py` prints one row
of the table in pipe_on_a_file.md.

`loop.connect_read_pipe` is how asyncio reads a file descriptor that is not a socket (a pipe,
a terminal) through the loop; given this script's own file, it refuses.
"""

import asyncio
import sys

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default pipe_on_a_file.py")


async def main(loop):
    with open(__file__, "rb") as file:
        try:
            transport, _ = await loop.connect_read_pipe(asyncio.Protocol, file)
            transport.close()
            return "accepted"
        except Exception as e:
            return f"{type(e).__name__}: {e}"


loop = asyncio.new_event_loop()
said = loop.run_until_complete(main(loop))
loop.close()
version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {said} |")
