"""Lesson 10 in asyncio: the seed's "Hello" HTTP server, corrected, with the same scripted clients.

Run it with `python3 original.py` (the demo) or `python3 original.py --serve [--port N]`.
Python 3.10 or later (3.10 has no `asyncio.timeout`: a small stand-in below takes its place).

What changed from the seed: the server reads the request head up to a limit instead of reading
to end of file (which never comes while a client waits for its answer), answers with
Content-Length, keeps connections alive, answers 400/431 to bad requests, and gives up on
clients that never finish.
"""

import asyncio
import sys

HEAD_LIMIT = 8 * 1024
BODY_LIMIT = 64 * 1024
REQUEST_TIMEOUT = 10
LINGER = 2

REASONS = {
    200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 413: "Content Too Large",
    431: "Request Header Fields Too Large", 505: "HTTP Version Not Supported",
}
TOKEN = set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


if sys.version_info >= (3, 11):
    timeout = asyncio.timeout
else:
    class timeout:
        """`asyncio.timeout(delay)` for Python 3.10, as this file uses it: at the deadline,
        cancel the task running the block, and turn that cancellation into TimeoutError."""

        def __init__(self, delay):
            self._delay = delay
            self._expired = False

        async def __aenter__(self):
            task = asyncio.current_task()

            def expire():
                self._expired = True
                task.cancel()

            self._timer = asyncio.get_running_loop().call_later(self._delay, expire)
            return self

        async def __aexit__(self, exc_type, exc, tb):
            self._timer.cancel()
            if self._expired and exc_type is asyncio.CancelledError:
                raise TimeoutError from exc
            return False


def response(status, body, close=False, extra=""):
    body = body.encode()
    head = (f"HTTP/1.1 {status} {REASONS[status]}\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n{extra}"
            f"Content-Length: {len(body)}\r\n")
    if close:
        head += "Connection: close\r\n"
    return status, close, (head + "\r\n").encode(), body


def error(status):
    return response(status, f"{status} {REASONS[status]}\n", close=True)


def parse_head(head):
    """Returns (method, target, version, headers), or an int: the status of a bad request."""
    lines = head.split(b"\r\n")
    if any(b"\n" in line or b"\r" in line for line in lines):
        return 400
    try:
        method, target, version = lines[0].decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        return 400
    if not method or set(method) - TOKEN or not target or not version.startswith("HTTP/"):
        return 400
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        return 505
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        name = name.decode("latin-1")
        if not colon or not name or set(name) - TOKEN:
            return 400
        headers.setdefault(name.lower(), []).append(value.strip(b" \t").decode("latin-1"))
    if version == "HTTP/1.1" and len(headers.get("host", [])) != 1:
        return 400
    return method, target, version, headers


def keep_alive(version, headers):
    tokens = {t.strip().lower() for v in headers.get("connection", []) for t in v.split(",")}
    if "close" in tokens:
        return False
    return version == "HTTP/1.1" or "keep-alive" in tokens


async def read_request(reader, buf):
    """Reads the next request; returns ("request", ...), ("refused", response),
    ("timed out", midway) or ("closed",)."""
    try:
        async with timeout(REQUEST_TIMEOUT):
            while (end := buf.find(b"\r\n\r\n")) < 0 and len(buf) < HEAD_LIMIT:
                data = await reader.read(4096)
                if not data:
                    return ("closed",)
                buf += data
            if end < 0 or end + 4 > HEAD_LIMIT:
                return ("refused", error(431))
            parsed = parse_head(bytes(buf[:end]))
            if isinstance(parsed, int):
                return ("refused", error(parsed))
            method, target, version, headers = parsed
            lengths = headers.get("content-length", ["0"])
            if len(set(lengths)) != 1 or not lengths[0].isdigit():
                return ("refused", error(400))
            if int(lengths[0]) > BODY_LIMIT:
                return ("refused", response(413, "Content Too Large\n", close=True))
            # The head stays in buf until the body is in: a timeout then is "midway".
            request_end = end + 4 + int(lengths[0])
            while len(buf) < request_end:
                data = await reader.read(4096)
                if not data:
                    return ("closed",)
                buf += data
            del buf[:request_end]
            return ("request", method, target, version, headers)
    except TimeoutError:
        return ("timed out", len(buf) > 0)
    except ConnectionError:
        return ("closed",)


def respond(method, target, client):
    path = target.split("?")[0]
    if method in ("GET", "HEAD"):
        if path == "/":
            return response(200, f"Hello, {client}!\n")
        return response(404, "Not found\n")
    return response(405, "Only GET and HEAD\n", extra="Allow: GET, HEAD\r\n")


# The connections being handled: before 3.12, server.wait_closed() does not wait for them.
connections = set()


async def handle(reader, writer):
    connections.add(asyncio.current_task())
    client = writer.get_extra_info("peername")[0]
    buf = bytearray()
    while True:
        incoming = await read_request(reader, buf)
        if incoming[0] == "request":
            _, method, target, version, headers = incoming
            status, close, head, body = respond(method, target, client)
            if not keep_alive(version, headers):
                status, close, head, body = response_closing(status, head, body)
            what = f'"{method} {target}"'
            if method == "HEAD":
                body = b""
        elif incoming[0] == "refused":
            status, close, head, body = incoming[1]
            what = "(bad request)"
        elif incoming[0] == "timed out" and incoming[1]:
            status, close, head, body = response(408, "Request Timeout\n", close=True)
            what = "(too slow)"
        else:
            break
        print(f"server: {client} {what} -> {status} {REASONS[status]}")
        writer.write(head + body)
        try:
            async with timeout(REQUEST_TIMEOUT):
                await writer.drain()
        except (TimeoutError, ConnectionError):
            break
        if close:
            break
    await close_gently(reader, writer)


def response_closing(status, head, body):
    return status, True, head[:-2] + b"Connection: close\r\n\r\n", body


async def close_gently(reader, writer):
    """Send FIN, read and drop what the client still sends (up to LINGER), then close:
    closing with unread bytes would send a reset that can destroy the last response."""
    try:
        writer.write_eof()
        async with timeout(LINGER):
            while await reader.read(4096):
                pass
    except (TimeoutError, ConnectionError, OSError):
        pass
    writer.close()
    try:
        await writer.wait_closed()
    except ConnectionError:
        pass


async def serve(port):
    server = await asyncio.start_server(handle, "127.0.0.1", port, limit=HEAD_LIMIT)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
    print(f"open http://{host}:{port}/ in a browser, or try: curl -v http://{host}:{port}/")
    async with server:
        await server.serve_forever()


async def client(port, data, responses):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    buf = bytearray()
    seen = 0
    while seen < responses:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            lines = bytes(buf[:end]).decode().split("\r\n")
            _, status, reason = lines[0].split(" ", 2)
            length = next(int(l.split(":")[1]) for l in lines if l.lower().startswith("content-length:"))
            if len(buf) >= end + 4 + length:
                body = bytes(buf[end + 4:end + 4 + length]).decode().rstrip()
                print(f'client: {status} {reason} "{body}"')
                del buf[:end + 4 + length]
                seen += 1
                continue
        data = await reader.read(4096)
        if not data:
            print("client: the server closed the connection")
            break
        buf += data
    writer.close()
    await writer.wait_closed()


async def demo():
    loop = asyncio.get_running_loop()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("serving on 127.0.0.1 (the OS picked a free port)")

    print("\n-- a normal GET")
    await client(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 1)

    print("\n-- keep-alive: two requests on one connection, the second says close")
    await client(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                       b"GET /missing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 3)

    print("\n-- a malformed request")
    await client(port, b"HELLO SERVER\r\n\r\n", 2)

    huge = b"GET / HTTP/1.1\r\nHost: localhost\r\n"
    huge += b"".join(f"X-Padding-{i}: {'x' * 90}\r\n".encode() for i in range(160)) + b"\r\n"
    print(f"\n-- an oversized head ({len(huge)} bytes; the limit is {HEAD_LIMIT})")
    await client(port, huge, 2)

    print("\n-- a client that never finishes its request")
    start = loop.time()
    await client(port, b"GET / HTTP/1.1\r\nHost: loc", 2)
    print(f"client: that took {loop.time() - start:.1f}s")

    server.close()
    await server.wait_closed()
    await asyncio.gather(*connections)


if __name__ == "__main__":
    if "--serve" in sys.argv:
        port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 8080
        asyncio.run(serve(port))
    else:
        asyncio.run(demo())
