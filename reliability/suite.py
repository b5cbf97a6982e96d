#!/usr/bin/env python3
"""The reliability suite: the `--serve` lessons (04, 05, 10, 16) against many clients and
against hostile ones, on loopback, with bounded counts and time.

Each case starts a fresh server, runs its clients, checks what came back byte for byte, reads
the server's memory and open files from /proc, and prints one row. `reliability/README.md`
says what each case does and what its numbers mean. Usage: `reliability/run --help`.
"""

import argparse
import asyncio
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # No __pycache__ next to the suite.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (  # noqa: E402
    COLUMNS, KIB, MARGIN, MIB, PROFILE, Mismatch, Row, Server, ServerError, check, connect,
    format_row, cells, human, open_stream, print_row, raise_fd_limit, reset_stream,
    spawn, stop,
)

# -- what the lessons state (their source says the same) --

ECHO_HIGH_WATER = 64 * KIB     # aio's write buffer: drain waits above it (DEFAULT_HIGH_WATER)
HTTP_REQUEST_TIMEOUT = 10.0    # lesson 10: REQUEST_TIMEOUT, for a request and for a drain
HTTP_LINGER = 2.0              # lesson 10: LINGER, twice when closing
CHAT_OUTBOX_LIMIT = 1 * MIB    # lesson 16: OUTBOX_LIMIT
CHAT_LINGER = 2.0              # lesson 16: LINGER
ACCEPT_RETRY = 1.0             # aio: after an accept that failed for want of descriptors

# -- the suite's own sizes --

CLIENTS = 1000                 # concurrent verified clients (--clients changes it)
SEED = 20261201
DATA = random.Random(SEED).randbytes(MIB)
DATA2 = DATA + DATA
TCP_WMEM_MAX = int(open("/proc/sys/net/ipv4/tcp_wmem").read().split()[2])


def pattern(offset, n):
    """`n` bytes of the endless repetition of DATA, from `offset`."""
    out = bytearray()
    while n:
        start = offset % len(DATA)
        take = min(n, len(DATA))
        out += DATA2[start:start + take]
        offset += take
        n -= take
    return bytes(out)


def cyclic(unit, offset, n):
    """`n` bytes of the endless repetition of `unit`, from `offset`."""
    start = offset % len(unit)
    reps = (start + n) // len(unit) + 1
    return (unit * reps)[start:start + n]


async def gather_clients(coros, row, what):
    """Runs the clients at once; returns the results of those that succeeded, and records
    how many failed, with the first failures in time (a later one is often a consequence)."""
    failures = []

    async def timed(coro):
        try:
            return await coro
        except Exception as e:  # noqa: BLE001 - every failure is counted and shown
            failures.append((time.monotonic(), e))
            raise

    results = await asyncio.gather(*(timed(c) for c in coros), return_exceptions=True)
    if failures:
        failures.sort(key=lambda f: f[0])
        first = failures[0][0]
        shown = []
        for when, e in failures:
            text = f"{type(e).__name__}: {e}"[:200]
            if text not in shown:
                shown.append(text)
                row.fail(f"{len(failures)} of {len(results)} {what} failed; "
                         f"+{when - first:.1f}s: {text}")
            if len(shown) == 3:
                break
    return [r for r in results if not isinstance(r, BaseException)]


async def read_until_eof(reader, limit=64 * MIB):
    data = bytearray()
    while len(data) < limit:
        piece = await reader.read(1 << 16)
        if not piece:
            return bytes(data)
        data += piece
    raise Mismatch(f"more than {human(limit)} and no end of file")


async def expect_eof(reader, timeout):
    """The server closes its side: end of file (or a reset, which also closes)."""
    try:
        rest = await asyncio.wait_for(reader.read(1 << 16), timeout)
    except ConnectionResetError:
        return
    check(rest == b"", f"expected the end of file, got {rest[:60]!r}")


# =========================================================================================
# Echo: lessons 04 (streams) and 05 (protocols)
# =========================================================================================

async def echo_client(addr, i):
    """Four lines, each echoed before the next; then a bulk of 4-128 KiB sent in pieces of
    varied size while the echo is read; then end of file, and the server's end of file after
    the last byte. Returns the bytes verified."""
    reader, writer = await open_stream(addr)
    verified = 0
    try:
        for k in range(4):
            line = f"client {i} line {k}: {'x' * (i % 50)}\n".encode()
            writer.write(line)
            await writer.drain()
            got = await reader.readexactly(len(line))
            check(got == line, f"client {i}: sent {line!r}, echoed {got!r}")
            verified += len(got)
        size = 4 * KIB + (i * 104729) % (124 * KIB)
        offset = (i * 7919) % len(DATA)
        bulk = pattern(offset, size)

        async def send():
            pos, step = 0, 1 + i % 7
            while pos < size:
                piece = bulk[pos:pos + step * 4 * KIB - i % 1000]
                writer.write(piece)
                await writer.drain()
                pos += len(piece)
            writer.write_eof()

        sender = asyncio.create_task(send())
        pos = 0
        try:
            while True:
                piece = await reader.read(1 << 16)
                if not piece:
                    break
                check(bulk[pos:pos + len(piece)] == piece,
                      f"client {i}: echo differs within bytes {pos}..{pos + len(piece)}")
                pos += len(piece)
        except BaseException:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            raise
        await sender
        check(pos == size, f"client {i}: sent {size} bytes, echoed {pos} before end of file")
        return verified + pos
    finally:
        writer.close()


async def echo_probe(addr, timeout=10.0):
    """A normal client: one line, its echo, end of file both ways."""
    async def probe():
        reader, writer = await open_stream(addr)
        try:
            line = b"still there?\n"
            writer.write(line)
            writer.write_eof()
            got = await read_until_eof(reader)
            check(got == line, f"probe: sent {line!r}, got {got!r}")
            return len(got)
        finally:
            writer.close()
    return await asyncio.wait_for(probe(), timeout)


# =========================================================================================
# HTTP: lesson 10
# =========================================================================================

HELLO = b"Hello, 127.0.0.1!\n"
REQUESTS = {
    # name: (request bytes, status, body, answer has no body, answer says Connection: close)
    "get": (b"GET / HTTP/1.1\r\nHost: t\r\n\r\n", 200, HELLO, False, False),
    "missing": (b"GET /missing HTTP/1.1\r\nHost: t\r\n\r\n", 404, b"Not found\n", False, False),
    "head": (b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n", 200, HELLO, True, False),
    "post": (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello", 405,
             b"Only GET and HEAD\n", False, False),
    "close": (b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 200, HELLO, False,
              True),
}
TIMEOUT_408 = (408, b"Request Timeout\n", False, True)


async def read_answer(reader, head_only):
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = b"" if head_only else await reader.readexactly(length)
    return head + body


def validate_answer(raw, status, body, head_only, closes, what):
    """Checks an answer's shape: status line, Content-Length, Connection, body."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    check(lines[0].startswith(f"HTTP/1.1 {status} ".encode()), f"{what}: {lines[0]!r}")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(b": ")
        fields[name.lower()] = value
    check(fields.get(b"content-length") == str(len(body)).encode(),
          f"{what}: Content-Length {fields.get(b'content-length')!r}, body {len(body)} bytes")
    check((fields.get(b"connection") == b"close") == closes, f"{what}: Connection field")
    check(rest == (b"" if head_only else body), f"{what}: body {rest!r}")


async def http_references(addr):
    """The answer to each request, from one client, checked for shape: every other client's
    answers must then be the same bytes."""
    refs = {}
    for name, (request, status, body, head_only, closes) in REQUESTS.items():
        reader, writer = await open_stream(addr)
        try:
            writer.write(request)
            raw = await asyncio.wait_for(read_answer(reader, head_only), 10)
            validate_answer(raw, status, body, head_only, closes, f"reference {name}")
            refs[name] = raw
        finally:
            writer.close()
    return refs


async def http_client(addr, i, refs):
    """Four requests one after another on a kept-alive connection, three pipelined in one
    write, and one that asks to close: nine answers, each the reference's bytes, then the
    server's end of file."""
    reader, writer = await open_stream(addr)
    verified = 0

    async def answer(name):
        nonlocal verified
        raw = await read_answer(reader, REQUESTS[name][3])
        check(raw == refs[name], f"client {i}: {name} answered {raw[:80]!r}")
        verified += len(raw)

    try:
        for name in ("get", "missing", "head", "post"):
            writer.write(REQUESTS[name][0])
            await answer(name)
        batch = ("get", "head", "missing")
        writer.write(b"".join(REQUESTS[name][0] for name in batch))
        for name in batch:
            await answer(name)
        writer.write(REQUESTS["close"][0])
        await answer("close")
        await expect_eof(reader, 10)
        return verified
    finally:
        writer.close()


async def http_probe(addr, timeout=10.0, refs=None):
    async def probe():
        reader, writer = await open_stream(addr)
        try:
            writer.write(REQUESTS["close"][0])
            raw = await read_answer(reader, False)
            if refs:
                check(raw == refs["close"], f"probe: {raw!r}")
            else:
                validate_answer(raw, 200, HELLO, False, True, "probe")
            await expect_eof(reader, 10)
            return len(raw)
        finally:
            writer.close()
    return await asyncio.wait_for(probe(), timeout)


# =========================================================================================
# Chat: lesson 16
# =========================================================================================

WELCOME = b"Welcome! What is your name?\n"


async def join(addr, name, **options):
    """Connects, checks the welcome, gives `name`, checks the greeting. Returns the streams
    and who was online before (the greeting's list, without `name`)."""
    reader, writer = await open_stream(addr, **options)
    try:
        got = await reader.readline()
        check(got == WELCOME, f"{name}: welcome {got!r}")
        writer.write(name + b"\n")
        hi = await reader.readline()
        prefix = b"* Hi " + name + b"! Online: "
        check(hi.startswith(prefix) and hi.endswith(b"\n"), f"{name}: greeting {hi[:80]!r}")
        online = hi[len(prefix):-1].split(b", ")
        check(online[-1] == name, f"{name}: not last in {hi[:80]!r}")
    except BaseException:
        writer.close()
        raise
    return reader, writer, online[:-1], len(WELCOME) + len(hi)


class Listener:
    """A member that reads everything the room sends it, keeps the lines `keep` selects
    (with how many bytes it had heard before each), checks each with `verify` (which returns
    the bytes it verified), and lets a case wait for a line."""

    def __init__(self, reader, keep=lambda line: True, verify=None):
        self.reader = reader
        self.keep = keep
        self.verify = verify
        self.lines = []
        self.heard_before = {}
        self.heard = 0
        self.verified = 0
        self.error = None
        self.changed = asyncio.Event()
        self.closed = False
        self.task = asyncio.create_task(self._run())

    async def _run(self):
        try:
            while True:
                line = await self.reader.readline()
                if not line:
                    break
                if self.verify:
                    self.verified += self.verify(line)
                if self.keep(line):
                    self.lines.append(line)
                    self.heard_before.setdefault(line, (self.heard, self.verified))
                    self.changed.set()
                self.heard += len(line)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except Mismatch as e:
            self.error = e
        finally:
            self.closed = True
            self.changed.set()

    async def wait_for(self, predicate, timeout):
        end = time.monotonic() + timeout
        while not predicate(self.lines):
            if self.closed:
                raise Mismatch("the room closed the listener's connection")
            self.changed.clear()
            left = end - time.monotonic()
            if left <= 0:
                raise asyncio.TimeoutError()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass
        return True


def chat_line(index, k):
    """What member `index` says the `k`th time (without the line end)."""
    word = f"{(index * 2654435761 + k * 40503) & 0xFFFFFFFF:08x}"
    return f"m{k} {word * (1 + (index + k) % 6)}".encode()


async def chat_probe(addr, timeout=10.0, tag=b"p"):
    """Two normal members: the first hears the second join and speak; the second leaves with
    /quit and the server closes. What else the room says meanwhile (a case's leftovers) is
    skipped."""
    async def next_about(reader, name):
        while True:
            line = await reader.readline()
            check(line, "probe: end of file")
            if name in line:
                return line

    async def probe():
        stamp = f"{time.monotonic_ns() % 10**8}".encode()
        a, b = b"pa" + tag + stamp, b"pb" + tag + stamp
        ra, wa, _, verified = await join(addr, a)
        try:
            rb, wb, online, more = await join(addr, b)
            try:
                check(a in online, f"probe: {a!r} not in {online!r}")
                wb.write(b"hello from the probe\n")
                got = await next_about(ra, b)
                check(got == b"* " + b + b" joined\n", f"probe heard {got!r}")
                got2 = await next_about(ra, b)
                check(got2 == b"<" + b + b"> hello from the probe\n", f"probe heard {got2!r}")
                wb.write(b"/quit\n")
                await asyncio.wait_for(read_until_eof(rb), CHAT_LINGER + 5)
                return verified + more + len(got) + len(got2)
            finally:
                wb.close()
        finally:
            wa.close()
    return await asyncio.wait_for(probe(), timeout)


async def chat_room(srv, n, k, row):
    """`n` members join at once; once all are in, each says `k` lines; once all have spoken,
    each reads what it heard and checks it byte for byte: every other member's lines, and a
    join notice for everyone who came in after it, nothing else. Then all leave at once.

    The lines are checked as a whole (sorted, against the sorted expected lines, plus the
    order of one other member's lines), not one by one: a room of a thousand delivers a
    couple of million lines, and the suite must not be slower than the server."""
    names = [f"c{i:04d}".encode() for i in range(n)]
    said = [[b"<" + names[i] + b"> " + chat_line(i, j) + b"\n" for j in range(k)]
            for i in range(n)]
    everything = sorted(line for lines in said for line in lines)
    joined = spoken = 0
    everyone_in, everyone_spoke = asyncio.Event(), asyncio.Event()
    server_done = asyncio.Event()

    async def member(i):
        nonlocal joined, spoken
        reader, writer, online, verified = await join(srv.addr, names[i])
        writer.transport.pause_reading()  # Until the server has said everything.
        try:
            before = set(online)
            check(len(before) == len(online), f"{names[i]!r}: a name twice in the greeting")
            joined += 1
            if joined == n:
                phases["all in"] = time.monotonic()
                everyone_in.set()
            await everyone_in.wait()
            writer.write(b"".join(chat_line(i, j) + b"\n" for j in range(k)))
            await writer.drain()
            spoken += 1
            if spoken == n:
                phases["all spoke"] = time.monotonic()
                everyone_spoke.set()
            await everyone_spoke.wait()
            own = set(said[i])
            want = [line for line in everything if line not in own]
            want += [b"* " + name + b" joined\n" for name in names
                     if name not in before and name != names[i]]
            size = sum(map(len, want))
            await server_done.wait()
            writer.transport.resume_reading()
            heard = bytearray()
            while len(heard) < size:
                piece = await reader.read(1 << 18)
                check(piece, f"{names[i]!r}: end of file after {len(heard)} of {size} bytes")
                heard += piece
            got = bytes(heard).splitlines(keepends=True)
            if sorted(got) != sorted(want):
                extra = sorted(set(got) - set(want))[:1]
                missing = sorted(set(want) - set(got))[:1]
                raise Mismatch(f"{names[i]!r} heard {extra!r} and not {missing!r}")
            # One other member's lines, in the order said.
            other = said[(i + 1) % n]
            where = [heard.find(line) for line in other]
            check(where == sorted(where), f"{names[i]!r} heard {other!r} out of order")
            return verified + len(heard), writer
        except BaseException:
            writer.close()
            raise

    async def wait_until_quiet():
        """Sets `server_done` once everyone has spoken and the server has stopped working
        (its CPU time stands still for 0.2 s), or after 30 s."""
        await everyone_spoke.wait()
        end = time.monotonic() + 30
        last, still_since = srv.cpu(), time.monotonic()
        while time.monotonic() < end and time.monotonic() - still_since < 0.2:
            await asyncio.sleep(0.02)
            now = srv.cpu()
            if now != last:
                last, still_since = now, time.monotonic()
        phases["server done"] = time.monotonic()
        server_done.set()

    phases = {"start": time.monotonic()}
    quiet = asyncio.create_task(wait_until_quiet())
    results = await gather_clients([member(i) for i in range(n)], row, "members")
    quiet.cancel()
    phases["all heard"] = time.monotonic()
    marks = list(phases.items())
    row.note("room: " + ", ".join(f"{name} at {when - marks[0][1]:.1f}s"
                                  for name, when in marks[1:]))
    for _, writer in results:
        writer.close()
    return sum(v for v, _ in results), len(results)


# =========================================================================================
# Cases
# =========================================================================================

PROBES = {"04": echo_probe, "05": echo_probe, "10": http_probe, "16": chat_probe}


async def served_again(srv, row, timeout=10.0):
    """A normal client is served; returns how long it took."""
    start = time.monotonic()
    try:
        row.verified += await PROBES[srv.lesson](srv.addr, timeout)
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        row.fail(f"a normal client was not served within {timeout:.0f}s: "
                 f"{type(e).__name__}: {e}")
        return None
    return time.monotonic() - start


async def case_concurrent(srv, row, n=None):
    n = n or CLIENTS
    start = time.monotonic()
    if srv.lesson in ("04", "05"):
        got = await gather_clients([echo_client(srv.addr, i) for i in range(n)], row,
                                   "clients")
        row.verified += sum(got)
        done = len(got)
        what = "echoed"
    elif srv.lesson == "10":
        refs = await http_references(srv.addr)
        got = await gather_clients([http_client(srv.addr, i, refs) for i in range(n)], row,
                                   "clients")
        row.verified += sum(got)
        done = len(got)
        what = "answered (9 requests each)"
    else:
        verified, done = await chat_room(srv, n, 1, row)
        row.verified += verified
        what = "chatted (each said a line; every other member heard it)"
    took = time.monotonic() - start
    row.require(done == n, f"{n - done} of {n} clients were not served")
    row.note(f"{done} of {n} clients {what} in {took:.1f}s; the server used "
             f"{srv.cpu():.1f}s of CPU")
    # The clients are gone: the server lets go of every connection.
    release = await srv.wait_fds(row.fds_before, 5 + MARGIN)
    row.release, row.limit = release, 5
    row.require(release is not None, "the connections were still open after the clients left")
    row.bound = max(64 * MIB, n * 96 * KIB)


async def case_stdout_closed(srv, row):
    await case_concurrent(srv, row, n=100)
    row.release = await served_again(srv, row)
    err = srv.stderr()
    said = err.count("stdout is gone")
    row.require(said <= 1, f"'stdout is gone' said {said} times")
    row.note(f"100 clients served after stdout was closed; stderr says 'stdout is gone' "
             f"{said} time(s)")
    row.bound = 64 * MIB


async def echo_slow_reader(srv, row):
    """Sends 16 MiB as fast as the server takes it, reads its echo at about 8 MiB/s."""
    total = 16 * MIB
    reader, writer = await open_stream(srv.addr)

    async def send():
        pos = 0
        while pos < total:
            writer.write(pattern(pos, 256 * KIB))
            await writer.drain()
            pos += 256 * KIB
        writer.write_eof()

    sender = asyncio.create_task(send())
    pos = 0
    start = time.monotonic()
    try:
        while True:
            piece = await reader.read(64 * KIB)
            if not piece:
                break
            check(piece == pattern(pos, len(piece)), f"echo differs at byte {pos}")
            pos += len(piece)
            await asyncio.sleep(1 / 128)  # 64 KiB per 1/128 s at most: 8 MiB/s
        await sender
    finally:
        writer.close()
    row.verified += pos
    row.require(pos == total, f"echoed {pos} of {total} bytes")
    row.note(f"sent {human(total)}, read its echo in {time.monotonic() - start:.1f}s "
             f"(reading at most 8 MiB/s)")


async def http_slow_reader(srv, row):
    """Pipelines 60,000 requests, reads the answers at about 3 MiB/s."""
    refs = await http_references(srv.addr)
    count = 60_000
    reader, writer = await open_stream(srv.addr)
    unit = refs["get"]

    async def send():
        batch = REQUESTS["get"][0] * 1000
        for _ in range(count // 1000):
            writer.write(batch)
            await writer.drain()

    sender = asyncio.create_task(send())
    pos, total = 0, count * len(unit)
    start = time.monotonic()
    try:
        while pos < total:
            piece = await asyncio.wait_for(reader.read(64 * KIB), 15)
            check(piece, f"end of file after {pos} of {total} bytes")
            check(piece == cyclic(unit, pos, len(piece)), f"answers differ at byte {pos}")
            pos += len(piece)
            await asyncio.sleep(1 / 48)  # 64 KiB per 1/48 s at most: 3 MiB/s
        await sender
    finally:
        writer.close()
    row.verified += pos
    row.note(f"pipelined {count} requests, read {human(total)} of answers in "
             f"{time.monotonic() - start:.1f}s (reading at most 3 MiB/s)")


async def chat_slow_reader(srv, row):
    """A member that says a lot and reads slowly (1.3 MiB/s) while another floods the room
    with 16 MiB: what reaches it is checked byte for byte, and the room lets it go once its
    outbox passes the lesson's limit."""
    talker_r, talker_w, _, v1 = await join(srv.addr, b"talker")
    talker = Listener(talker_r, keep=lambda line: line.startswith(b"*"))
    slow_r, slow_w, online, v2 = await join(srv.addr, b"slow")
    row.verified += v1 + v2
    flood = [b"f%07d " % j + b"y" * 990 + b"\n" for j in range(16 * 1024)]
    stop_flag = asyncio.Event()

    async def talk():
        sent = 0
        for j in range(0, len(flood), 64):
            if stop_flag.is_set():
                break
            chunk = b"".join(flood[j:j + 64])
            talker_w.write(chunk)
            await talker_w.drain()
            sent += len(chunk)
        return sent

    async def say_a_lot():
        line = b"s" * 2000 + b"\n"
        try:
            while not stop_flag.is_set():
                slow_w.write(line * 8)
                await slow_w.drain()
                await asyncio.sleep(0.005)
        except ConnectionError:
            pass

    talking = asyncio.create_task(talk())
    saying = asyncio.create_task(say_a_lot())
    pos, seq, buffer, ended = 0, 0, b"", "the flood ended"
    start = time.monotonic()
    try:
        while True:
            try:
                piece = await asyncio.wait_for(slow_r.read(64 * KIB), 20)
            except ConnectionResetError:
                piece, ended = b"", "reset"
            if not piece:
                break
            buffer += piece
            *complete, buffer = buffer.split(b"\n")
            for line in complete:
                line += b"\n"
                if line.startswith(b"<talker> "):
                    check(line[9:] == flood[seq], f"slow heard line {seq} as {line[:40]!r}")
                    seq += 1
                else:
                    check(line.startswith(b"* "), f"slow heard {line[:80]!r}")
                pos += len(line)
                if seq == len(flood):
                    break
            if seq == len(flood):
                break
            await asyncio.sleep(0.05)  # 64 KiB per 50 ms: 1.3 MiB/s
    finally:
        stop_flag.set()
        sent = await talking
        await saying
    row.verified += pos
    let_go = any(line == b"* slow was disconnected: too slow\n" for line in talker.lines)
    row.require(let_go or seq == len(flood), "the slow member neither kept up nor was let go")
    row.note(f"talker sent {human(sent)}; slow read {seq} lines ({human(pos)}) in "
             f"{time.monotonic() - start:.1f}s, then "
             f"{'was disconnected: too slow' if let_go else ended}")
    for w in (slow_w, talker_w):
        w.close()


async def case_slow_reader(srv, row):
    await {"04": echo_slow_reader, "05": echo_slow_reader, "10": http_slow_reader,
           "16": chat_slow_reader}[srv.lesson](srv, row)
    row.bound = 8 * MIB
    row.release = await srv.wait_fds(row.fds_before, 5 + MARGIN)
    row.limit = 5


async def send_until(sock, chunk, limit, stuck_for):
    """Sends `chunk` again and again without reading, until `limit` bytes, an error, or no
    progress for `stuck_for` seconds. Returns (bytes sent, how it ended)."""
    sent, last = 0, time.monotonic()
    while sent < limit:
        try:
            sent += sock.send(chunk)
            last = time.monotonic()
            await asyncio.sleep(0)
        except BlockingIOError:
            if stuck_for is not None and time.monotonic() - last > stuck_for:
                return sent, "stuck"
            await asyncio.sleep(0.02)
        except OSError as e:
            return sent, type(e).__name__
    return sent, "limit"


async def echo_never_reads(srv, row):
    """100 clients with a 4 KiB receive window send without ever reading. Flow control must
    stop them (sending gets stuck) with the server's memory bounded; the echo has no idle
    limit, so the server holds them, and lets go as soon as they close."""
    n = 100
    socks = [await connect(srv.addr, rcvbuf=4 * KIB, sndbuf=64 * KIB) for _ in range(n)]
    chunk = b"z" * (64 * KIB)
    results = await asyncio.gather(*(send_until(s, chunk, 64 * MIB, 1.0) for s in socks))
    sent = [s for s, _ in results]
    ends = {}
    for _, how in results:
        ends[how] = ends.get(how, 0) + 1
    row.require(ends.get("stuck", 0) == n, f"not every sender was stopped: {ends}")
    held = srv.fds() - row.fds_before
    row.note(f"{n} clients sent {human(min(sent))}..{human(max(sent))} each "
             f"({human(sum(sent))} in all) before flow control stopped them; "
             f"the server holds {held} of their sockets (no idle limit, by choice)")
    # Each connection holds at most the high-water mark and one read; four times that covers
    # the allocator's rounding. Plus 4 MiB for the server's own start.
    row.bound = n * 4 * ECHO_HIGH_WATER + 4 * MIB
    start = time.monotonic()
    for s in socks:
        s.close()  # Unread bytes in its buffer: the kernel sends a reset.
    row.release = await srv.wait_fds(row.fds_before, 1 + MARGIN)
    row.limit = 1
    row.require(row.release is not None, "the server held the sockets after the clients left")
    row.note(f"released {time.monotonic() - start:.2f}s after the clients closed")


async def http_never_reads(srv, row):
    """20 clients with a 4 KiB receive window pipeline requests without ever reading, and
    keep sending. The server answers until its buffers are full; from then on it owes each
    at most REQUEST_TIMEOUT (the drain) + 2 x LINGER (closing) before it lets go.

    The server logs a line per answer: the moment its log stops growing is when the last
    connection's answers stopped leaving. With 20 clients, filling their buffers (about
    30,000 answers each) takes the server a few seconds of work, so the limit is counted
    from then; the time from connecting is printed too."""
    n = 20
    limit = HTTP_REQUEST_TIMEOUT + 2 * HTTP_LINGER
    start = time.monotonic()
    socks = [await connect(srv.addr, rcvbuf=4 * KIB) for _ in range(n)]
    chunk = REQUESTS["get"][0] * 1000
    senders = [asyncio.create_task(send_until(s, chunk, 64 * MIB, None)) for s in socks]
    last_answer = [time.monotonic(), srv.log_size()]

    async def watch_log():
        while True:
            size = srv.log_size()
            if size != last_answer[1]:
                last_answer[:] = [time.monotonic(), size]
            await asyncio.sleep(0.01)

    watching = asyncio.create_task(watch_log())
    await srv.wait_fds_above(row.fds_before + n - 1, 5)
    row.fds_peak = max(row.fds_peak, srv.fds())
    # Every connection is let go by (its last answer) + limit: wait for that, or the margin.
    while srv.fds() > row.fds_before:
        if time.monotonic() > last_answer[0] + limit + MARGIN:
            break
        await asyncio.sleep(0.01)
    released = time.monotonic()
    watching.cancel()
    held = srv.fds() - row.fds_before
    row.release, row.limit = released - last_answer[0], limit
    row.require(held == 0, f"still held {held} of {n} connections {row.release:.1f}s after "
                           f"the server's last answer")
    results = await asyncio.gather(*senders)
    for s in socks:
        s.close()
    ends = {}
    for _, how in results:
        ends[how] = ends.get(how, 0) + 1
    answers = srv.log_size() // len(b'server: 127.0.0.1 "GET /" -> 200 OK\n')
    row.note(f"{n} clients pipelined {human(min(s for s, _ in results))}.."
             f"{human(max(s for s, _ in results))} of requests each and read nothing; the "
             f"server answered about {answers} requests until {last_answer[0] - start:.1f}s, "
             f"then let go of all {released - last_answer[0]:.1f}s later "
             f"({released - start:.1f}s after they connected; limit: REQUEST_TIMEOUT "
             f"{HTTP_REQUEST_TIMEOUT:.0f}s + 2 x LINGER {HTTP_LINGER:.0f}s); "
             f"their sending ended: {ends}")
    row.bound = n * 256 * KIB + 4 * MIB


async def chat_never_reads_silent(srv, row):
    """20 clients with a 4 KiB receive window that never read and never speak (10 at the name
    prompt, 10 in the room): each is let go within --idle + LINGER of falling silent."""
    idle = IDLE_SHORT
    limit = idle + CHAT_LINGER
    prompt = [await connect(srv.addr, rcvbuf=4 * KIB) for _ in range(10)]
    joined = []
    for j in range(10):
        r, w, _, v = await join(srv.addr, b"mute%d" % j, rcvbuf=4 * KIB)
        row.verified += v
        joined.append(w)
    start = time.monotonic()  # The last one fell silent now; the first ones a moment before.
    row.fds_peak = max(row.fds_peak, srv.fds())
    release = await srv.wait_fds(row.fds_before, limit + MARGIN)
    row.release, row.limit = release, limit
    row.require(release is not None,
                f"still held {srv.fds() - row.fds_before} of 20 silent connections "
                f"{limit + MARGIN:.0f}s after they fell silent")
    for s in prompt:
        s.close()
    for w in joined:
        w.close()
    row.note(f"20 silent clients that read nothing let go {time.monotonic() - start:.1f}s "
             f"after the last fell silent (limit: --idle {idle:.0f}s + LINGER "
             f"{CHAT_LINGER:.0f}s)")
    row.bound = 8 * MIB


async def chat_never_reads_talking(srv, row):
    """5 members with a 4 KiB receive window keep talking and never read, while a talker
    floods the room: each is let go once its outbox passes OUTBOX_LIMIT (after the kernel's
    buffers for it are full). A witness member reads everything, in the order the server
    sends it: what it heard before each "too slow" notice is what the room sent the deaf
    member before it was let go."""
    n = 5
    line = b"x" * 999 + b"\n"
    talker_r, talker_w, _, v1 = await join(srv.addr, b"talker")
    witness_r, witness_w, _, v2 = await join(srv.addr, b"witness")
    row.verified += v1 + v2
    Listener(talker_r, keep=lambda _: False)  # Reads what the deaf say, so it is not slow.

    def verify(heard):
        if heard.startswith(b"<talker> "):
            check(heard[9:] == line, f"the witness heard {heard[:60]!r}")
            return len(heard)
        check(heard.startswith(b"<deaf") or heard.startswith(b"* "),
              f"the witness heard {heard[:60]!r}")
        return 0

    witness = Listener(witness_r, keep=lambda l: l.endswith(b" was disconnected: too slow\n"),
                       verify=verify)
    deaf = []
    for j in range(n):
        r, w, _, v = await join(srv.addr, b"deaf%d" % j, rcvbuf=4 * KIB)
        row.verified += v
        deaf.append(w)
    stop_flag = asyncio.Event()

    async def keep_talking(w, j):
        try:
            while not stop_flag.is_set():
                w.write(b"deaf %d talks\n" % j * 50)
                await w.drain()
                await asyncio.sleep(0.01)
        except ConnectionError:
            pass

    talkers = [asyncio.create_task(keep_talking(w, j)) for j, w in enumerate(deaf)]
    sent = 0
    start = time.monotonic()
    while len(witness.lines) < n and sent < 64 * MIB and not witness.closed:
        talker_w.write(line * 64)
        await talker_w.drain()
        sent += len(line) * 64
        await asyncio.sleep(0)
    try:
        await witness.wait_for(lambda lines: len(lines) == n, 5)
    except (asyncio.TimeoutError, Mismatch):
        pass
    stop_flag.set()
    await asyncio.gather(*talkers)
    if witness.error:
        row.fail(str(witness.error))
    row.verified += witness.verified
    heard = sorted(witness.heard_before.values())
    worst, worst_flood = max(heard, default=(0, 0))
    bound = CHAT_OUTBOX_LIMIT + 2 * TCP_WMEM_MAX
    row.require(len(heard) == n, f"only {len(heard)} of {n} were let go after the talker "
                                 f"sent {human(sent)}")
    row.require(worst <= bound, f"one was let go only after the room sent it {human(worst)} "
                                f"(bound {human(bound)})")
    row.release = await srv.wait_fds(row.fds_before + 2, 2 + MARGIN)
    row.limit = 2
    row.note(f"{len(heard)} of {n} talking non-readers let go as too slow after the room "
             f"sent {human(worst)} ({human(worst_flood)} of it the flood) in "
             f"{time.monotonic() - start:.1f}s (bound: OUTBOX_LIMIT 1M + what the kernel "
             f"holds, at most 2 x its largest send buffer {human(TCP_WMEM_MAX)})")
    for w in deaf + [talker_w, witness_w]:
        w.close()
    row.bound = 16 * MIB


async def case_rst(srv, row):
    """50 clients reset their connection (SO_LINGER 0, then close) while the server is
    writing to them."""
    n = 50
    if srv.lesson in ("04", "05"):
        async def client(i):
            reader, writer = await open_stream(srv.addr)

            async def send():
                for pos in range(0, 4 * MIB, 64 * KIB):
                    writer.write(pattern(pos + i, 64 * KIB))
                    await writer.drain()

            sender = asyncio.create_task(send())
            pos = 0
            try:
                while pos < 256 * KIB:
                    piece = await reader.read(64 * KIB)
                    check(piece == pattern(pos + i, len(piece)), f"echo differs at {pos}")
                    pos += len(piece)
            finally:
                reset_stream(writer)
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
            return pos
    elif srv.lesson == "10":
        refs = await http_references(srv.addr)

        async def client(i):
            reader, writer = await open_stream(srv.addr)
            writer.write(REQUESTS["get"][0] * 5000)
            pos, unit = 0, refs["get"]
            try:
                while pos < 64 * KIB:
                    piece = await reader.read(64 * KIB)
                    check(piece == cyclic(unit, pos, len(piece)), f"answers differ at {pos}")
                    pos += len(piece)
            finally:
                reset_stream(writer)
            return pos
    else:
        talker_r, talker_w, _, v = await join(srv.addr, b"talker")
        row.verified += v
        talker = Listener(talker_r, keep=lambda line: line.startswith(b"* "))
        flood = b"x" * 499 + b"\n"
        in_room = 0
        everyone_in = asyncio.Event()

        async def client(i):
            nonlocal in_room
            reader, writer, _, v = await join(srv.addr, b"rst%d" % i)
            pos = v
            in_room += 1
            if in_room == n:
                everyone_in.set()
            try:
                while pos < 64 * KIB:
                    line = await reader.readline()
                    check(line == b"<talker> " + flood or line.startswith(b"* rst"),
                          f"heard {line[:60]!r}")
                    pos += len(line)
            finally:
                reset_stream(writer)
            return pos

        async def talk():
            await everyone_in.wait()
            for _ in range(200):
                talker_w.write(flood * 64)
                await talker_w.drain()

        talking = asyncio.create_task(talk())
    got = await gather_clients([client(i) for i in range(n)], row, "resetting clients")
    row.verified += sum(got)
    if srv.lesson == "16":
        await talking
        left = lambda lines: sum(l.startswith(b"* rst") and l.endswith(b" left\n")
                                 for l in lines)
        try:
            await talker.wait_for(lambda lines: left(lines) == n, 10)
        except asyncio.TimeoutError:
            row.fail(f"the room heard {left(talker.lines)} of {n} resets as 'left'")
        talker_w.close()
    row.require(len(got) == n, "not every client could reset")
    row.note(f"{len(got)} clients reset mid-stream after {human(min(got, default=0))}.."
             f"{human(max(got, default=0))} verified each")
    served = await served_again(srv, row)
    if served is not None:
        row.note(f"the next client was served in {served * 1000:.0f} ms")
    row.release = await srv.wait_fds(row.fds_before, 2 + MARGIN)
    row.limit = 2
    row.bound = 32 * MIB


async def case_half_close(srv, row):
    """50 clients send, say they are done (shutdown(SHUT_WR)), then read the rest: every
    byte owed arrives, then the server's end of file."""
    n = 50
    if srv.lesson in ("04", "05"):
        async def client(i):
            reader, writer = await open_stream(srv.addr)
            size = 256 * KIB + i * 1000
            data = pattern(i * 4099, size)

            async def send():
                for pos in range(0, size, 32 * KIB):
                    writer.write(data[pos:pos + 32 * KIB])
                    await writer.drain()
                writer.write_eof()

            sender = asyncio.create_task(send())
            try:
                got = await asyncio.wait_for(read_until_eof(reader), 20)
                await sender
                check(got == data, f"client {i}: echoed {len(got)} of {size} bytes, or "
                                   f"different ones")
                return len(got)
            finally:
                writer.close()
    elif srv.lesson == "10":
        refs = await http_references(srv.addr)

        async def client(i):
            reader, writer = await open_stream(srv.addr)
            try:
                names = ("get", "head", "missing")
                writer.write(b"".join(REQUESTS[name][0] for name in names))
                writer.write_eof()
                got = await asyncio.wait_for(read_until_eof(reader), 20)
                want = b"".join(refs[name] for name in names)
                check(got == want, f"client {i}: after half-close got {got[:120]!r}")
                return len(got)
            finally:
                writer.close()
    else:
        watcher_r, watcher_w, _, v = await join(srv.addr, b"watcher")
        row.verified += v
        watcher = Listener(watcher_r)
        names = [b"half%d" % i for i in range(n)]
        said = {name: [b"%s says %d\n" % (name, k) for k in range(3)] for name in names}

        async def client(i):
            name = names[i]
            reader, writer, online, v = await join(srv.addr, name)
            try:
                writer.write(b"".join(said[name]))
                writer.write_eof()
                rest = await asyncio.wait_for(read_until_eof(reader), CHAT_LINGER + 20)
                for line in rest.splitlines(keepends=True):
                    ok = (line.startswith(b"* half") and
                          (line.endswith(b" joined\n") or line.endswith(b" left\n"))) or \
                         any(line == b"<" + other + b"> " + said[other][k]
                             for other in names for k in range(3)
                             if line.startswith(b"<" + other + b"> "))
                    check(ok, f"{name!r} heard {line[:80]!r}")
                return v + len(rest)
            finally:
                writer.close()
    got = await gather_clients([client(i) for i in range(n)], row, "half-closing clients")
    row.verified += sum(got)
    row.require(len(got) == n, "not every client got all it was owed")
    if srv.lesson == "16":
        def complete(lines):
            return all(b"* %s left\n" % name in lines for name in names)
        try:
            await watcher.wait_for(complete, 10)
        except asyncio.TimeoutError:
            row.fail("the room did not hear every half-closed member leave")
        for name in names:
            heard = [l for l in watcher.lines if l.startswith(b"<" + name + b"> ")]
            want = [b"<" + name + b"> " + line for line in said[name]]
            if not row.require(heard == want, f"the room heard {name!r} say {heard!r}"):
                break
            row.verified += sum(map(len, heard))
        watcher_w.close()
    row.note(f"{len(got)} clients shut their sending side and got everything owed, then "
             f"the server's end of file")
    served = await served_again(srv, row)
    if served is not None:
        row.note(f"the next client was served in {served * 1000:.0f} ms")
    row.release = await srv.wait_fds(row.fds_before, CHAT_LINGER + MARGIN)
    row.limit = CHAT_LINGER
    row.bound = 32 * MIB


async def case_fd_exhaustion(srv, row):
    """The server runs with `ulimit -n 64`. 200 clients connect and hold on: it runs out of
    descriptors, and must back off (not spin) while it cannot accept. Then they leave, and a
    normal client must be served again."""
    holders = []
    try:
        for _ in range(200):
            try:
                holders.append(await connect(srv.addr, timeout=5))
            except OSError as e:
                row.fail(f"connection {len(holders) + 1} of 200 failed ({e}): "
                         f"the server no longer listens")
                break
        # Wait until the server has taken what it can (its file count stops rising).
        last, steady_since = -1, time.monotonic()
        while time.monotonic() - steady_since < 0.5:
            now = srv.fds()
            if now != last:
                last, steady_since = now, time.monotonic()
            await asyncio.sleep(0.02)
        row.fds_peak = max(row.fds_peak, last)
        row.require(last >= srv.nofile - 2, f"the server opened only {last} files of "
                                            f"{srv.nofile} (did it run out?)")
        cpu0, t0 = srv.cpu(), time.monotonic()
        await asyncio.sleep(2.5)
        busy = (srv.cpu() - cpu0) / (time.monotonic() - t0)
        row.require(busy < 0.2, f"the server used {busy:.0%} of a core while it could not "
                                f"accept (a busy loop?)")
        retries = srv.stderr().count("accept failed") if srv.log == "file" else None
        if retries is not None:
            row.require(retries <= 5, f"{retries} failed accepts logged in ~3s: no back-off")
    finally:
        for s in holders:
            s.close()
    # The connections still queued in the kernel are accepted (and found closed) in rounds of
    # as many as the free descriptors allow, one round per ACCEPT_RETRY; the probe comes last.
    free = max(1, srv.nofile - row.fds_before)
    queued = max(0, len(holders) - (last - row.fds_before))
    rounds = -(-queued // free) + 1
    row.limit = rounds * ACCEPT_RETRY + 1
    recovered = await served_again(srv, row, timeout=row.limit + MARGIN)
    row.release = recovered
    row.note(f"held {len(holders)} connections against ulimit -n {srv.nofile}: the server "
             f"peaked at {last} files, used {busy:.1%} of a core while it could not accept"
             + (f", logged {retries} failed accepts" if retries is not None else "")
             + (f"; served a normal client {recovered:.2f}s after they left (limit: "
                f"{rounds} accept rounds of {ACCEPT_RETRY:.0f}s for {queued} queued "
                f"connections, + 1s)" if recovered is not None else "")
             + ("" if srv.log == "file" else " (stdout and stderr: a pipe closed after the "
                "first line)"))
    await srv.wait_fds(row.fds_before, 5 + MARGIN)
    row.bound = 16 * MIB


async def case_slowloris(srv, row):
    """500 clients send a request head one byte every 2 seconds. Meanwhile a normal client
    asks every 50 ms on a new connection: its answers come at once. Each slow client gets
    408 Request Timeout within REQUEST_TIMEOUT (plus a margin) of connecting."""
    n = 500
    refs = await http_references(srv.addr)
    head = b"GET / HTTP/1.1\r\nHost: slow\r\nUser-Agent: slowloris\r\n\r\n"
    answers = []

    async def slow(i):
        start = time.monotonic()
        reader, writer = await open_stream(srv.addr)

        async def drip():
            await asyncio.sleep((i % 100) / 50)  # Spread the bytes over the 2 s.
            for byte in head:
                writer.write(bytes([byte]))
                await asyncio.sleep(2.0)

        dripping = asyncio.create_task(drip())
        try:
            raw = await asyncio.wait_for(read_answer(reader, False), HTTP_REQUEST_TIMEOUT + 20)
            took = time.monotonic() - start
            await expect_eof(reader, HTTP_LINGER + 5)
            answers.append(raw)
            return took
        finally:
            dripping.cancel()
            writer.close()

    slow_tasks = [asyncio.create_task(slow(i)) for i in range(n)]
    await srv.wait_fds_above(row.fds_before + n - 1, 10)
    row.fds_peak = max(row.fds_peak, srv.fds())
    # Normal requests, until every slow client has its answer (the moment when 500 answers
    # and closes come due at once included).
    latencies = []
    while not all(task.done() for task in slow_tasks):
        t = time.monotonic()
        row.verified += await http_probe(srv.addr, 10, refs)
        latencies.append(time.monotonic() - t)
        await asyncio.sleep(0.05)
    took = await gather_clients(slow_tasks, row, "slow clients")
    if answers:
        validate_answer(answers[0], *TIMEOUT_408, "408")
        same = sum(a == answers[0] for a in answers)
        row.require(same == len(answers), f"{len(answers) - same} different 408 answers")
        row.verified += sum(map(len, answers))
    row.require(len(took) == n, f"{n - len(took)} of {n} slow clients got no 408")
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)]
    worst = latencies[-1]
    row.require(worst < 1.0, f"a normal request took {worst * 1000:.0f} ms (bound 1000 ms)")
    row.release = max(took, default=None)
    row.limit = HTTP_REQUEST_TIMEOUT
    row.require(row.release is not None and row.release <= HTTP_REQUEST_TIMEOUT + MARGIN,
                f"the last 408 came {row.release}s after connecting")
    row.note(f"{len(took)} of {n} slow clients got 408 after {min(took, default=0):.1f}.."
             f"{max(took, default=0):.1f}s; {len(latencies)} normal requests meanwhile: "
             f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {worst * 1000:.1f} ms")
    await srv.wait_fds(row.fds_before, HTTP_LINGER * 2 + MARGIN)
    row.bound = 32 * MIB


# =========================================================================================
# The runner
# =========================================================================================

IDLE_SHORT = 2.0  # lesson 16's --idle in the case that tests it

ALL = ("04", "05", "10", "16")
CASES = [
    # (name, lessons, function, server options, deadline in seconds)
    ("concurrent", ALL, case_concurrent, {}, 180),
    ("slow reader", ALL, case_slow_reader, {}, 60),
    ("never reads", ("04", "05"), echo_never_reads, {}, 60),
    ("never reads", ("10",), http_never_reads, {}, 60),
    ("never reads, silent", ("16",), chat_never_reads_silent,
     {"extra": ["--idle", str(int(IDLE_SHORT))]}, 60),
    ("never reads, talks", ("16",), chat_never_reads_talking, {}, 60),
    ("reset mid-stream", ALL, case_rst, {}, 60),
    ("half-close", ALL, case_half_close, {}, 60),
    ("fd exhaustion", ALL, case_fd_exhaustion, {"nofile": 64}, 60),
    ("fd exhaustion, log gone", ALL, case_fd_exhaustion,
     {"nofile": 64, "log": "both-closed"}, 60),
    ("stdout closed", ALL, case_stdout_closed, {"log": "stdout-closed"}, 60),
    ("slowloris", ("10",), case_slowloris, {}, 60),
]


async def run_case(lesson, name, func, options, deadline):
    row = Row(lesson, name)
    started = time.monotonic()
    options = dict(options)
    if lesson == "16" and "extra" not in options:
        options["extra"] = ["--idle", "60"]  # Long enough for every case but the idle one.
    srv = Server(lesson, **options)
    try:
        srv.start()
        row.fds_before = row.fds_peak = srv.fds()
        baseline_rss = srv.mem("VmRSS")

        async def sample():
            while True:
                try:
                    row.fds_peak = max(row.fds_peak, srv.fds())
                except OSError:
                    return
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        try:
            await asyncio.wait_for(func(srv, row), deadline)
        except asyncio.TimeoutError:
            row.fail(f"the case did not finish within {deadline}s")
        except Exception as e:  # noqa: BLE001 - whatever a case meets is its result
            row.fail(f"{type(e).__name__}: {e}")
        finally:
            sampler.cancel()
        if not srv.alive():
            row.fail(f"the server exited ({srv.proc.returncode})")
        else:
            row.peak = srv.mem("VmHWM")
            row.grew = row.peak - baseline_rss
            if row.bound:
                row.require(row.grew <= row.bound,
                            f"the server grew by {human(row.grew)} (bound {human(row.bound)})")
            # Whatever the case did, the server ends where it started.
            await srv.wait_fds(row.fds_before, 5 + MARGIN)
            row.fds_after = srv.fds()
            row.require(row.fds_after == row.fds_before,
                        f"the server has {row.fds_after} files open at the end, "
                        f"{row.fds_before} at the start")
            if row.limit is not None and row.release is None:
                if not row.failures:
                    row.fail("never released")
            elif row.limit is not None:
                row.require(row.release <= row.limit + MARGIN,
                            f"released after {row.release:.1f}s (limit {row.limit:.0f}s "
                            f"+ margin {MARGIN:.0f}s)")
        if srv.log != "both-closed":
            err = srv.stderr()
            row.require("panicked" not in err, f"the server panicked: {err[-300:]!r}")
    except ServerError as e:
        row.fail(f"the server: {e}")
    finally:
        srv.stop()
    row.ok = row.failures == 0
    row.seconds = time.monotonic() - started
    return row


def main():
    global CLIENTS
    parser = argparse.ArgumentParser(
        prog="reliability/run",
        description="The --serve lessons (04, 05, 10, 16) against many and hostile clients.")
    parser.add_argument("--lessons", default=",".join(ALL),
                        help="which lessons, e.g. 10,16 (default: all four)")
    parser.add_argument("--cases", default="",
                        help="only the cases whose name contains one of these words, "
                             "e.g. 'slowloris,fd'")
    parser.add_argument("--skip", default="",
                        help="leave out the cases whose name contains one of these words")
    parser.add_argument("--deadline", type=float, default=480, metavar="SECS",
                        help="stop starting new cases after SECS seconds; the cases left "
                             "count as failed (default 480)")
    parser.add_argument("--clients", type=int, default=CLIENTS,
                        help=f"concurrent clients in the 'concurrent' case (default {CLIENTS})")
    parser.add_argument("--debug", action="store_true",
                        help="run the debug build (target/debug) instead of the release one")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="keep N cores busy with spinning processes while the suite runs")
    parser.add_argument("--no-build", action="store_true",
                        help="(for reliability/run) use the binaries as they are")
    args = parser.parse_args()
    CLIENTS = args.clients
    PROFILE[0] = "debug" if args.debug else "release"
    lessons = [x.strip() for x in args.lessons.split(",") if x.strip()]
    wanted = [w.strip() for w in args.cases.split(",") if w.strip()]
    unwanted = [w.strip() for w in args.skip.split(",") if w.strip()]
    nofile = raise_fd_limit()

    busy = [spawn([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    print(f"reliability: lessons {', '.join(lessons)}, {PROFILE[0]} build, {CLIENTS} "
          f"concurrent clients, ulimit -n {nofile}, time margin {MARGIN:.0f}s"
          + (f", {args.busy} busy loop(s) (PIDs {' '.join(str(p.pid) for p in busy)})"
             if busy else ""), flush=True)
    print(format_row(COLUMNS), flush=True)
    rows, skipped = [], []
    start = time.monotonic()
    try:
        for lesson in lessons:
            for name, for_lessons, func, options, deadline in CASES:
                if lesson not in for_lessons:
                    continue
                if wanted and not any(w in name for w in wanted):
                    continue
                if any(w in name for w in unwanted):
                    skipped.append(f"{lesson} {name}")
                    continue
                if time.monotonic() - start > args.deadline:
                    row = Row(lesson, name)
                    row.fail(f"not run: the suite's deadline ({args.deadline:.0f}s) passed")
                else:
                    row = asyncio.run(run_case(lesson, name, func, options, deadline))
                rows.append(row)
                print_row(row)
    finally:
        for proc in busy:
            stop(proc)
    total = time.monotonic() - start
    failed = [r for r in rows if not r.ok]
    print()
    print(format_row(COLUMNS))
    for row in rows:
        print(format_row(cells(row)))
    print(f"{len(rows) - len(failed)} of {len(rows)} cases passed in {total:.0f}s"
          + (": failed " + ", ".join(f"{r.lesson} {r.case}" for r in failed) if failed else "")
          + (f"; skipped (--skip): {', '.join(skipped)}" if skipped else ""))
    return 1 if failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
