"""Exercise 04a in asyncio, solved: readline() returns each line as soon as its newline has
arrived, so the echo goes back while the client waits."""

import asyncio
import itertools
import json
import sys

numbers = itertools.count(1)


def quoted(data):
    return json.dumps(data.decode())


async def handle(reader, writer):
    n = next(numbers)
    print(f"client {n} connected")
    while line := await reader.readline():  # b"" at the end of file
        print(f"client {n} said {quoted(line)}")
        writer.write(line)
        await writer.drain()
    print(f"client {n} left")
    writer.close()
    await writer.wait_closed()


async def main(addr):
    host, port = addr.rsplit(":", 1)
    server = await asyncio.start_server(handle, host, int(port))
    print(f"listening on {addr}")
    await server.serve_forever()


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8888"))
