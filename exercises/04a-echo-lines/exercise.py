"""Exercise 04a in asyncio: an echo server that answers each line as it arrives.

The handler below reads with `reader.read()`, which reads to the end of file: it answers
nothing until the client has closed its side, so a client that waits for its answer with its
connection open waits for ever. Goal: answer each line as soon as it has arrived
(`await reader.readline()`, print it, write it back, `await writer.drain()`); at the end of file
(an empty line), print that the client left and close. It must print exactly `expected.txt`.

Run it with `python3 exercise.py [ADDR]` (default 127.0.0.1:8888) and talk to it with
`nc 127.0.0.1 8888`; grade it with `cargo course check 04a --python`.
"""

import asyncio
import itertools
import json
import sys

numbers = itertools.count(1)  # The clients are numbered 1, 2, ... as they connect.


def quoted(data):
    return json.dumps(data.decode())


async def handle(reader, writer):
    n = next(numbers)
    print(f"client {n} connected")
    data = await reader.read()  # Everything the client sends, once it has closed its side.
    for line in data.splitlines(keepends=True):
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
