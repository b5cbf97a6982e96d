"""What asyncio's StreamReader does with a line longer than its limit, in the Python that
runs this script: `python3 -W default stream_limits.py` prints one row of the table in
stream_limits.md.

A client sends a line of 100 bytes to a server whose readers have a limit of 64 bytes
(asyncio's default is 64 KiB; `limit=` on start_server sets it). The server reads it twice:
once with `readline()`, once with `readuntil(b"\\n")`.
"""

import asyncio
import sys

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default stream_limits.py")

LIMIT = 64
LINE = b"x" * 99 + b"\n"


async def main():
    said = []
    done = asyncio.Event()

    async def serve(reader, writer):
        for read in (reader.readline, lambda: reader.readuntil(b"\n")):
            try:
                await read()
                said.append("no error")
            except Exception as e:
                said.append(f"{type(e).__name__}: {e}")
        writer.close()
        done.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, limit=LIMIT)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(LINE + LINE)
    await done.wait()
    writer.close()
    server.close()
    await server.wait_closed()
    return said


loop = asyncio.new_event_loop()
readline, readuntil = loop.run_until_complete(main())
loop.close()
version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {readline} | {readuntil} |")
