"""Exercise 11a in asyncio: four pages fetched at once from a slow local server.

A link checker fetches four pages. A local server stands in for the four sites, each as slow
as its delay (0.4, 0.8, 0.2 and 0.6 s), and a tiny HTTP client fetches them, as in lesson 11.
But fetch_all awaits one fetch before it starts the next: the waits add up to 2.0 s.

Goal: change fetch_all (only it) so that the four fetches wait at the same time and the whole
takes as long as the slowest page, 0.8 s, keeping the titles in the order asked; print exactly
expected.txt. Grade it with `cargo course check 11a --python`: the output and the loop time
(0.8 s) are checked.
"""

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
    pages = []
    for url in URLS:
        pages.append(await fetch_page(port, url))
    return pages


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


# The stand-in server and the client: you need not change anything below.


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
