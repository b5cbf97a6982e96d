#!/usr/bin/env python3
"""Memory per idle connection: lessons 04, 05 and 16, an asyncio and a tokio echo server.

For each server: start it on a free loopback port, read its VmRSS (/proc/PID/status), open
N connections that each exchange one small message (an echo; for the chat, joining the room)
and then stay idle, read VmRSS again, and print the growth divided by N. Everything this
script starts is stopped by its process id before it moves on.

    $ python3 bench/idle_memory.py                # builds what it needs, 1,000 connections
    $ python3 bench/idle_memory.py -n 2000 lesson-04 tokio
    $ python3 bench/idle_memory.py --no-build --bin-dir DIR   # binaries built elsewhere

Needs Linux (/proc) and as many file descriptors as connections plus a few (the script raises
its soft limit to the hard one; `ulimit -n 4096` in the shell if the hard one is lower).
"""

import argparse
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# asyncio's echo server, as the streams tutorials write it.
ASYNCIO_ECHO = r"""
import asyncio, sys

async def handle(reader, writer):
    while data := await reader.read(4096):
        writer.write(data)
        await writer.drain()
    writer.close()

async def main(host, port):
    server = await asyncio.start_server(handle, host, int(port))
    print("Serving on %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
    await server.serve_forever()

asyncio.run(main(*sys.argv[1].rsplit(":", 1)))
"""


def servers(bin_dir):
    """Each server: how to start it on a free port, and how a client says hello."""
    lesson = lambda name: os.path.join(bin_dir, name)
    return {
        "lesson-04": ([lesson("lesson-04"), "--serve", "127.0.0.1:0"], "echo"),
        "lesson-05": ([lesson("lesson-05"), "--serve", "127.0.0.1:0"], "echo"),
        "lesson-16": ([lesson("lesson-16"), "--serve", "--port", "0"], "chat"),
        "asyncio": ([sys.executable, "-c", ASYNCIO_ECHO, "127.0.0.1:0"], "echo"),
        "tokio": ([os.path.join(bin_dir, "examples", "tokio_echo"), "127.0.0.1:0"], "echo"),
    }


def build():
    """Builds the servers in release mode (the lessons in one go, tokio's from the bench)."""
    for args in (
        ["cargo", "build", "--release", "-p", "lesson-04", "-p", "lesson-05", "-p", "lesson-16"],
        ["cargo", "build", "--release", "-p", "aio-bench", "--example", "tokio_echo"],
    ):
        subprocess.run(args, cwd=ROOT, check=True)


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def start(command):
    """Starts a server and returns (process, address) once it says where it listens."""
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        words = line.split()
        if line.startswith(("Serving on", "listening on")):
            host, port = words[-1].rsplit(":", 1)
            # Keep reading what the server prints (one line per connection, for some), so that
            # a full pipe never stalls it.
            threading.Thread(target=server.stdout.read, daemon=True).start()
            return server, (host, int(port))
    server.kill()
    server.wait()
    raise RuntimeError(f"{command[0]} did not say where it listens")


def recv_until(sock, marker, deadline):
    data = b""
    while marker not in data:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError(f"the server closed the connection; got {data!r}")
        data += chunk
    return data


def hello(sock, kind, i, deadline):
    """One small exchange, after which the connection is idle."""
    if kind == "echo":
        sock.sendall(b"hello\n")
        recv_until(sock, b"hello\n", deadline)
    else:  # The chat: answer the name prompt, wait for the welcome.
        recv_until(sock, b"name?\n", deadline)
        sock.sendall(b"u%d\n" % i)
        recv_until(sock, b"! Online:", deadline)


def drain(socks, quiet=0.5):
    """Reads whatever the servers still send (the chat's join notices) until all are quiet,
    so that nothing waits in a server's outbox when memory is read."""
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    while events := selector.select(timeout=quiet):
        for key, _ in events:
            try:
                key.fileobj.recv(65536)
            except BlockingIOError:
                pass
    selector.close()


def measure(name, command, kind, n):
    server, addr = start(command)
    socks = []
    try:
        time.sleep(0.5)  # Let it settle: the first RSS is the idle server's.
        before = rss_bytes(server.pid)
        deadline = time.monotonic() + 120
        for i in range(n):
            sock = socket.create_connection(addr, timeout=30)
            socks.append(sock)
            hello(sock, kind, i, deadline)
        drain(socks)
        time.sleep(0.5)
        after = rss_bytes(server.pid)
        return before, after
    finally:
        for sock in socks:
            sock.close()
        server.kill()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--connections", type=int, default=1000)
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "target", "release"),
                        help="where the release binaries are (default target/release)")
    parser.add_argument("--no-build", action="store_true", help="do not run cargo build first")
    parser.add_argument("servers", nargs="*", help="lesson-04 lesson-05 lesson-16 asyncio tokio")
    options = parser.parse_args()
    table = servers(options.bin_dir)
    names = options.servers or list(table)
    for name in names:
        if name not in table:
            parser.error(f"unknown server {name!r}: choose from {', '.join(table)}")

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = options.connections + 64
    if hard != resource.RLIM_INFINITY and hard < wanted:
        sys.exit(f"{options.connections} connections need {wanted} descriptors; the hard limit "
                 f"is {hard}: lower -n")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # Inherited by the servers.

    if not options.no_build:
        build()

    n = options.connections
    print(f"{n} idle connections, VmRSS of the server before and after")
    print("| server | RSS before | RSS after | bytes per idle connection |")
    print("|---|---:|---:|---:|")
    for name in names:
        command, kind = table[name]
        before, after = measure(name, command, kind, n)
        print(f"| {name} | {before // 1024} KiB | {after // 1024} KiB | "
              f"{(after - before) // n:,} |", flush=True)


if __name__ == "__main__":
    main()
