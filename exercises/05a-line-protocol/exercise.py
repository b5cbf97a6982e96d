"""Exercise 05a in asyncio: a protocol that answers each line, whatever pieces it arrives in.

The protocol below answers each line in upper case, and `bye` to `quit`, closing the
connection. It takes each call of `data_received` for one line; but TCP carries bytes, not
lines: one line may arrive in two pieces, two lines in one. Goal: keep the bytes of the line
not finished yet in the protocol (`self.partial`), and answer every whole line. It must print
exactly `expected.txt`.

Run it with `python3 exercise.py [ADDR]` (default 127.0.0.1:8888) and talk to it with
`nc 127.0.0.1 8888`; grade it with `cargo course check 05a --python`.
"""

import asyncio
import json
import sys


class Shout(asyncio.Protocol):
    def connection_made(self, transport):
        print("connected")
        self.transport = transport

    def data_received(self, data):
        # Whatever came is taken for one line.
        self.answer(data.decode().rstrip())

    def answer(self, line):
        print(f"said {json.dumps(line)}")
        if line == "quit":
            self.transport.write(b"bye\n")
            self.transport.close()  # Sends what is buffered, then closes.
        else:
            self.transport.write(line.upper().encode() + b"\n")


async def main(addr):
    host, port = addr.rsplit(":", 1)
    server = await asyncio.get_running_loop().create_server(Shout, host, int(port))
    print(f"listening on {addr}")
    await server.serve_forever()


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8888"))
