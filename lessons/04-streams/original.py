"""Lesson 04 in asyncio: the articles' echo server and client, done right.

Run it with `python3 original.py`. It prints what `cargo run -p lesson-04` prints.
`python3 original.py --serve [PORT]` keeps an echo server up on 127.0.0.1 (default 8888).
"""

import asyncio
import json
import sys


# ANCHOR: handle_once
async def handle_once(reader, writer):
    # The article's handler: one read, one answer, close.
    data = await reader.read(1024)
    writer.write(data)
    await writer.drain()
    writer.close()
# ANCHOR_END: handle_once


# ANCHOR: handle_echo
async def handle_echo(reader, writer):
    while True:
        data = await reader.read(1024)
        if not data:  # b"" is the end of file
            break
        writer.write(data)
        await writer.drain()
    writer.close()
    await writer.wait_closed()
# ANCHOR_END: handle_echo


# ANCHOR: client
async def send_in_pieces(port, pieces, pause):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i, piece in enumerate(pieces):
        if i > 0:
            await asyncio.sleep(pause)
        writer.write(piece.encode())
        await writer.drain()
    try:
        writer.write_eof()  # the server's next read returns b"": the request is complete
    except OSError:
        pass  # the server already closed (the article's handler does): nothing to end
    echoed = await reader.read()  # no limit: until the server closes
    writer.close()
    await writer.wait_closed()
    return echoed
# ANCHOR_END: client


def quoted(data):
    return json.dumps(data.decode())


def port_of(server):
    return server.sockets[0].getsockname()[1]


async def demo():
    loop = asyncio.get_running_loop()
    hello = ["Hello, ", "world!\n"]

    print("-- the article's handler: one read, then close")
    server = await asyncio.start_server(handle_once, "127.0.0.1", 0)
    echoed = await send_in_pieces(port_of(server), hello, 0.010)
    print(f"sent {quoted(hello[0].encode())} then {quoted(hello[1].encode())}")
    print(f"echoed back: {quoted(echoed)}")
    server.close()

    print("-- read until end of file, drain, close")
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    echoed = await send_in_pieces(port_of(server), hello, 0.010)
    print(f"echoed back: {quoted(echoed)}")
    server.close()

    print("-- three clients at once, one second between their two lines")
    counts = {"open": 0, "peak": 0}

    async def counting(reader, writer):
        counts["open"] += 1
        counts["peak"] = max(counts["peak"], counts["open"])
        await handle_echo(reader, writer)
        counts["open"] -= 1

    server = await asyncio.start_server(counting, "127.0.0.1", 0)
    port = port_of(server)
    start = loop.time()
    clients = [
        asyncio.create_task(send_in_pieces(port, [f"{name} 1\n", f"{name} 2\n"], 1))
        for name in ["ant", "bee", "cat"]
    ]
    for i, client in enumerate(clients):
        print(f"client {i + 1}: {quoted(await client)}")
    print(f"all three took {loop.time() - start:.1f}s")
    server.close()
    await server.wait_closed()
    print(f"the server had {counts['peak']} connections open at once")


async def serve(port):
    server = await asyncio.start_server(handle_echo, "127.0.0.1", port)
    print(f"Serving on 127.0.0.1:{port_of(server)}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(int(sys.argv[2]) if len(sys.argv) > 2 else 8888))
    else:
        asyncio.run(demo())
