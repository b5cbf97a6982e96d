"""Exercise 16a in asyncio, solved: `broadcast` skips the member the line is about. The
sender knows what it said, and a client that joins is greeted on its own."""

import asyncio
import sys

room = {}  # Every member's writer, by name, in the order they joined.


def broadcast(text, sender):
    """Sends `text` as a line to every member but `sender`."""
    for name, writer in room.items():
        if name != sender:
            writer.write(f"{text}\n".encode())


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
    broadcast(f"* {name} joined", name)

    while (line := await next_line(reader)) is not None:
        print(f"<{name}> {line}")
        broadcast(f"<{name}> {line}", name)

    print(f"{name} left")
    del room[name]
    broadcast(f"* {name} left", name)
    writer.close()
    await writer.wait_closed()


async def main(addr):
    host, port = addr.rsplit(":", 1)
    server = await asyncio.start_server(client_connected, host, int(port))
    print(f"listening on {addr}")
    await server.serve_forever()


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:7000"))
