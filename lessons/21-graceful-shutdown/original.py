"""Lesson 21 in asyncio: a job server that shuts down gracefully on Ctrl-C.

Run it with `python3 original.py`. It prints what `cargo run -p lesson-21` prints: scripted
clients start jobs, and the program sends itself SIGINT, as Ctrl-C would.
"""

import asyncio
import signal

GRACE = 3  # seconds the jobs in flight have after Ctrl-C
LONGEST_JOB = 3600
MAX_LINE = 1024
LINGER = 2


# ANCHOR: ctrl_c
def ctrl_c():
    """A future that is done at the first Ctrl-C; the next one interrupts at once."""
    loop = asyncio.get_running_loop()
    pressed = loop.create_future()

    def on_sigint():
        # Back to the default handler: a second Ctrl-C raises KeyboardInterrupt.
        loop.remove_signal_handler(signal.SIGINT)
        if not pressed.done():
            pressed.set_result(None)

    loop.add_signal_handler(signal.SIGINT, on_sigint)
    return pressed
# ANCHOR_END: ctrl_c


class Shop:
    def __init__(self):
        self.jobs = {}  # each connection's task -> (writer, its job or None)
        self.stopping = False
        self.finished = 0
        self.cancelled = 0


def parse_job(line):
    words = line.decode(errors="replace").split()
    if len(words) != 2 or not words[1].isascii() or not words[1].isdigit():
        return None
    seconds = int(words[1])
    return (words[0], seconds) if seconds <= LONGEST_JOB else None


# ANCHOR: client
async def client_connected(shop, reader, writer):
    me = asyncio.current_task()
    shop.jobs[me] = (writer, None)
    writer.write(b"welcome: send JOB SECONDS, one job at a time\n")
    try:
        while True:
            # The shutdown cancels this task while it waits here (CancelledError).
            line = await reader.readline()
            if not line:
                break
            parsed = parse_job(line)
            if parsed is None:
                writer.write(b"? send JOB SECONDS, like: report 2\n")
                continue
            job, seconds = parsed
            writer.write(f"working on {job} ({seconds}s)\n".encode())
            shop.jobs[me] = (writer, job)
            try:
                await asyncio.sleep(seconds)  # the work
            except asyncio.CancelledError:
                shop.cancelled += 1
                writer.write(f"{job} cancelled: the server is shutting down. goodbye\n".encode())
                raise
            finally:
                shop.jobs[me] = (writer, None)
            shop.finished += 1
            writer.write(f"{job} done\n".encode())
            if shop.stopping:
                writer.write(b"goodbye\n")
                break
    except asyncio.CancelledError:
        # Only the shutdown cancels this task: ending, as asked. (Ending cancelled would make
        # asyncio 3.11's start_server log the cancellation as an error.)
        pass
    except (ConnectionError, ValueError):
        pass  # the client left, or sent a line over the limit
    finally:
        del shop.jobs[me]
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), LINGER)
        except (asyncio.TimeoutError, ConnectionError):
            writer.transport.abort()
# ANCHOR_END: client


def count(n, what):
    return f"{n} {what}{'' if n == 1 else 's'}"


# ANCHOR: shut_down
async def shut_down(server, shop, grace):
    loop = asyncio.get_running_loop()
    started = loop.time()
    # 1. Stop accepting.
    server.close()
    # 2. Tell every client; those waiting for their next job are let go (cancelled).
    idle, busy = 0, 0
    for task, (writer, job) in shop.jobs.items():
        if job is None:
            idle += 1
            writer.write(b"server shutting down: goodbye\n")
            task.cancel()
        else:
            busy += 1
            writer.write(f"server shutting down: finishing {job} first\n".encode())
    shop.stopping = True
    print(f"server: Ctrl-C: stopped accepting, said goodbye to {count(idle, 'idle client')}, "
          f"waiting up to {grace}s for {count(busy, 'job')}")
    # 3. Let the jobs in flight finish, for `grace` at most.
    tasks = set(shop.jobs)
    _, pending = await asyncio.wait(tasks, timeout=grace) if tasks else (set(), set())
    if pending:
        # 4. Cancel the rest.
        left = sum(1 for _, job in shop.jobs.values() if job is not None)
        print(f"server: deadline: cancelling {count(left, 'job')}")
        for task in pending:
            task.cancel()
        await asyncio.wait(pending)
    took = loop.time() - started
    return (f"server: shut down in {took:.1f}s: {count(shop.finished, 'job')} finished, "
            f"{shop.cancelled} cancelled")
# ANCHOR_END: shut_down


async def serve(port, grace, listening):
    pressed = ctrl_c()  # listen for Ctrl-C first: from here on it means "shut down"
    shop = Shop()
    server = await asyncio.start_server(
        lambda r, w: client_connected(shop, r, w), "127.0.0.1", port, limit=MAX_LINE)
    listening(server.sockets[0].getsockname()[1])
    await pressed
    return await shut_down(server, shop, grace)


class Client:
    def __init__(self, name, start):
        self.name = name
        self.start = start

    async def connect(self, port):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        await self.hears()
        return self

    async def say(self, line):
        print(f"{clock(self.start)} {self.name:>4} -> {line}")
        self.writer.write(f"{line}\n".encode())
        await self.writer.drain()

    async def hears(self):
        line = await self.reader.readline()
        assert line.endswith(b"\n"), "a whole line, not the end of file"
        print(f"{clock(self.start)} {self.name:>4} <- {line.decode().rstrip()}")

    async def hears_the_end(self):
        rest = await self.reader.read()
        assert rest == b"", rest
        print(f"{clock(self.start)} {self.name:>4}    (the server closed the connection)")


def clock(start):
    return f"{asyncio.get_running_loop().time() - start:4.1f}s"


async def demo():
    start = asyncio.get_running_loop().time()
    listening = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(serve(0, GRACE, listening.set_result))
    port = await listening

    print("-- ant and bee start jobs; cat is connected and idle")
    ant = await Client("ant", start).connect(port)
    await ant.say("report 2")
    await ant.hears()
    bee = await Client("bee", start).connect(port)
    await bee.say("backup 10")
    await bee.hears()
    cat = await Client("cat", start).connect(port)

    await asyncio.sleep(1)
    print("\n-- Ctrl-C (the demo sends itself SIGINT)")
    signal.raise_signal(signal.SIGINT)
    await cat.hears()
    await cat.hears_the_end()
    try:
        await asyncio.open_connection("127.0.0.1", port)
        raise AssertionError("a new client should be refused")
    except ConnectionRefusedError:
        print(f"{clock(start)} {'dan':>4}    cannot connect: refused")
    await ant.hears()
    await bee.hears()
    await ant.hears()
    await ant.hears()
    await ant.hears_the_end()
    await bee.hears()
    await bee.hears_the_end()

    print(await server)
    for client in (ant, bee, cat):
        client.writer.close()


if __name__ == "__main__":
    asyncio.run(demo())
