"""Whether a single-threaded asyncio program starts threads of its own, in the Python that
runs this script: `python3 -W default resolver_thread.py` prints one row of the table in
resolver_thread.md.

It counts the threads (`threading.active_count()`) before and after
`asyncio.open_connection("localhost", port)`: the loop looks the name up with
`socket.getaddrinfo`, a blocking call, which it runs in its default thread pool.
"""

import asyncio
import socket
import sys
import threading

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default resolver_thread.py")


async def main():
    async def serve(reader, writer):
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    before = threading.active_count()
    reader, writer = await asyncio.open_connection("localhost", port, family=socket.AF_INET)
    after = threading.active_count()
    writer.close()
    server.close()
    await server.wait_closed()
    return before, after


loop = asyncio.new_event_loop()
before, after = loop.run_until_complete(main())
loop.close()
version = "%d.%d.%d" % sys.version_info[:3]
print(f"| {version} | {before} | {after} |")
