"""What `async with writer:` does with a StreamWriter, as one article's client writes it,
in the Python that runs this script: `python3 -W default writer_async_with.py` prints one
row of the table in writer_async_with.md.
"""

import asyncio
import sys

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default writer_async_with.py")


async def main():
    async def serve(reader, writer):
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        async with writer:
            said = "no error"
    except Exception as e:
        said = f"{type(e).__name__}: {e}"
    writer.close()
    server.close()
    await server.wait_closed()
    return said


loop = asyncio.new_event_loop()
said = loop.run_until_complete(main())
loop.close()
version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {said} |")
