"""Exercise 16a in asyncio: a chat server that sends each message to everyone else, not back
to its sender.

A client connects, says its name, and from then on each line it sends goes to the room. The
server below sends each line (and each "joined" notice) to every member, the sender included.
Goal: send `* NAME joined` and `<NAME> LINE` to every member except the one they are about.
It must print exactly `expected.txt`.

Run it with `python3 exercise.py [ADDR]` (default 127.0.0.1:7000) and join with
`nc 127.0.0.1 7000`; grade it with `cargo course check 16a --python`.
"""

import asyncio
import sys

room = {}  # Every member's writer, by name, in the order they joined.


def broadcast(text):
    """Sends `text` as a line to every member."""
    for writer in room.values():
        writer.write(f"{text}\n".encode())  # write() never waits.


async def next_line(reader):
    """The client's next line, without its line end; None once it has left."""
    line = await reader.readline()
    if not line.endswith(b"\n"):
        return None
    return line.decode().rstrip("\r\n")


async def client_connected(reader, writer):
    writer.write(b"Welcome! What is your name?\n")
    name = await next_line(reader)
    if name is None:
        return  # Left before joining.
    print(f"{name} joined")
    writer.write(f"* Hi {name}!\n".encode())
    room[name] = writer
    broadcast(f"* {name} joined")

    while (line := await next_line(reader)) is not None:
        print(f"<{name}> {line}")
        broadcast(f"<{name}> {line}")

    print(f"{name} left")
    del room[name]
    broadcast(f"* {name} left")
    writer.close()
    await writer.wait_closed()


async def main(addr):
    host, port = addr.rsplit(":", 1)
    server = await asyncio.start_server(client_connected, host, int(port))
    print(f"listening on {addr}")
    await server.serve_forever()


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:7000"))
