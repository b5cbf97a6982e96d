"""Exercise 11a in asyncio, solved: asyncio.gather runs the four fetches at once (as tasks)
and returns their bodies in the order asked."""

import asyncio

# The sites, each with how long the stand-in server takes to answer (seconds).
SITES = {
    "docs.example.org": 0.4,
    "blog.example.org": 0.8,
    "shop.example.org": 0.2,
    "news.example.org": 0.6,
}
URLS = [
    "http://docs.example.org/",
    "http://blog.example.org/",
    "http://shop.example.org/",
    "http://news.example.org/",
]
HEAD_LIMIT = 8 * 1024


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


async def fetch_all(port):
    """Fetches every page in URLS, and returns their bodies in the order asked."""
    return await asyncio.gather(*(fetch_page(port, url) for url in URLS))


async def check_links():
    loop = asyncio.get_running_loop()
    server = await asyncio.start_server(serve_page, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    start = loop.time()
    pages = await fetch_all(port)
    print(f"{at(start)} {len(pages)} pages; their titles, in the order asked:")
    for page in pages:
        print(f"  {title(page)}")
    server.close()
    await server.wait_closed()


# The stand-in server and the client, as in the exercise.


async def serve_page(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    pairs = (line.split(":", 1) for line in lines[1:] if ":" in line)
    headers = {k.strip().lower(): v.strip() for k, v in pairs}
    host = headers.get("host")
    if host in SITES:
        await asyncio.sleep(SITES[host])  # A slow site.
        body = f"<!doctype html><title>{host}</title><p>Welcome.</p>\n".encode()
        status = "200 OK"
    else:
        body, status = b"No such site\n", "404 Not Found"
    writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n"
                 f"Connection: close\r\n\r\n".encode() + body)
    writer.close()  # After the response is sent.
    await writer.wait_closed()


async def fetch_page(port, url):
    print(f"Fetching {url}")
    host = url.removeprefix("http://").rstrip("/")
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=HEAD_LIMIT)
    writer.write(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()

    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    _version, status, reason = head[0].split(" ", 2)
    fields = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in head[1:] if l)}
    if "content-length" in fields:
        body = await reader.readexactly(int(fields["content-length"]))
    else:
        body = await reader.read()  # No length: the body ends when the server closes.
    writer.close()
    await writer.wait_closed()
    print(f"Got {url}: {status} {reason}")
    return body.decode()


def title(html):
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


asyncio.run(check_links())
