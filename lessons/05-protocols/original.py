"""Lesson 05 in asyncio: protocols and transports.

Run it with `python3 original.py`. It prints what `cargo run -p lesson-05` prints.
"""

import asyncio
import json

MIB = 1 << 20


def quoted(data):
    return json.dumps(data.decode())


# ANCHOR: echo
class EchoProtocol(asyncio.Protocol):
    def __init__(self, log):
        self.log = log

    def connection_made(self, transport):
        peer = transport.get_extra_info("peername")[0]
        self.log.append(f"connection_made from {peer}")
        self.transport = transport

    def data_received(self, data):
        self.log.append(f"data_received {quoted(data)}")
        self.transport.write(data)

    def connection_lost(self, exc):
        self.log.append(f"connection_lost {exc!r}")
# ANCHOR_END: echo


class ShoutProtocol(asyncio.Protocol):
    def __init__(self, log):
        self.log = log
        self.partial = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.log.append(f"data_received {quoted(data)}")
        self.partial += data
        while b"\n" in self.partial:
            line, _, self.partial = self.partial.partition(b"\n")
            self.transport.write(line.upper() + b"\n")


class Producer(asyncio.Protocol):
    def __init__(self, log):
        self.log = log

    def connection_made(self, transport):
        self.log.append("connection_made: writing 16 MiB")
        transport.write(b"x" * (16 * MIB))
        transport.close()

    def pause_writing(self):
        self.log.append("pause_writing")

    def resume_writing(self):
        self.log.append("resume_writing")

    def connection_lost(self, exc):
        self.log.append(f"connection_lost {exc!r}")


class Consumer(asyncio.Protocol):
    def __init__(self, log, done):
        self.log = log
        self.done = done
        self.received = 0

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        before = self.received
        self.received += len(data)
        crossed = self.received // (4 * MIB) > before // (4 * MIB)
        if crossed and self.received < 16 * MIB:
            mib = self.received // (4 * MIB) * 4
            self.log.append(f"pause_reading after {mib} MiB")
            self.transport.pause_reading()
            asyncio.get_running_loop().call_later(1, self.transport.resume_reading)

    def connection_lost(self, exc):
        self.log.append(f"connection_lost {exc!r}")
        self.done.set_result(self.received)


def print_log(side, log):
    for line in log:
        print(f"{side}: {line}")


def port_of(server):
    return server.sockets[0].getsockname()[1]


async def main():
    # The article wrote asyncio.get_event_loop() here; inside a coroutine, ask for the
    # running loop.
    loop = asyncio.get_running_loop()

    print("-- the article's EchoProtocol")
    log = []
    server = await loop.create_server(lambda: EchoProtocol(log), "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(server))
    writer.write(b"Hello, world!\n")
    print(f"client got back {quoted(await reader.readline())}")
    writer.write_eof()
    print(f"client then reads {quoted(await reader.read(100))}")
    writer.close()
    server.close()
    print_log("server", log)

    print("-- lines that arrive in pieces")
    log = []
    server = await loop.create_server(lambda: ShoutProtocol(log), "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port_of(server))
    for piece in [b"Hel", b"lo\nwor", b"ld\n"]:
        writer.write(piece)
        await asyncio.sleep(0.010)
    writer.write_eof()
    print(f"client got back {quoted(await reader.read())}")
    writer.close()
    server.close()
    print_log("server", log)

    print("-- flow control: a fast producer, a slow consumer")
    producer_log, consumer_log = [], []
    server = await loop.create_server(lambda: Producer(producer_log), "127.0.0.1", 0)
    done = loop.create_future()
    start = loop.time()
    await loop.create_connection(
        lambda: Consumer(consumer_log, done), "127.0.0.1", port_of(server)
    )
    received = await done
    elapsed = loop.time() - start
    server.close()
    await server.wait_closed()
    print_log("producer", producer_log)
    print_log("consumer", consumer_log)
    print(f"consumer: received {received // MIB} MiB in {elapsed:.0f}s")


asyncio.run(main())
