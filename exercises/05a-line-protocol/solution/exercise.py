"""Exercise 05a in asyncio, solved: `partial` keeps the bytes of the line not finished yet;
each piece is added to it, and every whole line it then holds is answered."""

import asyncio
import json
import sys


class Shout(asyncio.Protocol):
    def connection_made(self, transport):
        print("connected")
        self.transport = transport
        self.partial = b""

    def data_received(self, data):
        self.partial += data
        while b"\n" in self.partial:
            line, _, self.partial = self.partial.partition(b"\n")
            if self.transport.is_closing():
                return  # After quit: nothing more to say.
            self.answer(line.decode().rstrip())

    def answer(self, line):
        print(f"said {json.dumps(line)}")
        if line == "quit":
            self.transport.write(b"bye\n")
            self.transport.close()
        else:
            self.transport.write(line.upper().encode() + b"\n")


async def main(addr):
    host, port = addr.rsplit(":", 1)
    server = await asyncio.get_running_loop().create_server(Shout, host, int(port))
    print(f"listening on {addr}")
    await server.serve_forever()


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8888"))
