"""Lesson 11 in asyncio: the seed's fetch_page example without aiohttp and without the network.

Run it with `python3 original.py`. A local server stands in for the three sites (each page as
slow as its delay), and a tiny HTTP/1.1 client on asyncio streams fetches them, first one
after another, then concurrently. Durations come from the loop's clock (`loop.time()`).
"""

import asyncio

# The seed's three sites, each with how long the stand-in server takes to answer (seconds).
SITES = {"www.jython.org": 1.0, "olympus.realpython.org": 1.5, "realpython.com": 0.5}
URLS = ["http://www.jython.org/", "http://olympus.realpython.org/", "http://realpython.com/"]
HEAD_LIMIT = 8 * 1024


# ANCHOR: server
async def serve_page(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    host = {k.lower(): v.strip() for k, v in headers.items()}.get("host")
    if host in SITES:
        await asyncio.sleep(SITES[host])  # A slow site.
        body = f"<!doctype html><title>{host}</title><p>A stand-in for {host}.</p>\n".encode()
        status = "200 OK"
    else:
        body, status = b"No such site\n", "404 Not Found"
    writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n"
                 f"Connection: close\r\n\r\n".encode() + body)
    writer.close()  # After the response is sent.
    await writer.wait_closed()
# ANCHOR_END: server


# ANCHOR: fetch_page
async def fetch_page(port, url):
    print(f"Fetching {url}")
    host, _, path = url.removeprefix("http://").partition("/")
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=HEAD_LIMIT)
    writer.write(f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
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

    print(f"Got {url}: {status} {reason}, {len(body)} bytes")
    return body.decode()
# ANCHOR_END: fetch_page


def title(html):
    return html.split("<title>", 1)[1].split("</title>", 1)[0]


# ANCHOR: main
async def main():
    loop = asyncio.get_running_loop()
    server = await asyncio.start_server(serve_page, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    start = loop.time()
    for url in URLS:
        await fetch_page(port, url)
    print(f"One after another: {loop.time() - start:.1f}s\n")

    start = loop.time()
    pages = await asyncio.gather(*(fetch_page(port, url) for url in URLS))
    print(f"At once: {loop.time() - start:.1f}s")
    titles = ", ".join(f'"{title(page)}"' for page in pages)
    print(f"Titles, in the order asked: [{titles}]")

    server.close()
    await server.wait_closed()


asyncio.run(main())
# ANCHOR_END: main
