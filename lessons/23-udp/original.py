"""Lesson 23 in asyncio: UDP with create_datagram_endpoint and DatagramProtocol.

asyncio has no UDP streams: every UDP socket is an endpoint whose protocol the loop calls. To
*wait* for a datagram, as the Rust lesson does with `recv_from`, the protocol below puts each
one in a queue, and the code awaits the queue (with `asyncio.wait_for` for a timeout).

Run it with `python3 original.py`. It prints what `cargo run -p lesson-23` prints.
"""

import asyncio
import json

TIMEOUT = 1.0  # how long the client waits for the reply to one try
TRIES = 3  # how many tries a ping gets before the client gives up
DELAY = 0.2  # how long the network takes to bring an echo back
SLOW = 1.5  # ... and how long on its slow route


def secs(seconds):
    # To the tenth, cut (not rounded), as the Rust lesson prints; the tiny addition keeps a
    # float sum like 0.39999999999999997 from being cut to 0.3.
    tenths = int(seconds * 10 + 1e-9)
    return f"{tenths // 10}.{tenths % 10}s"


def at(start):
    return secs(asyncio.get_running_loop().time() - start)


def quoted(text):
    return json.dumps(text)


# ANCHOR: inbox
class Inbox(asyncio.DatagramProtocol):
    """Puts every datagram, with its sender, in a queue that code can await."""

    def __init__(self):
        self.queue = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.queue.put_nowait((data, addr))


async def endpoint():
    """A UDP socket on a port the OS chooses: its transport, and the queue of what comes."""
    loop = asyncio.get_running_loop()
    transport, inbox = await loop.create_datagram_endpoint(Inbox, local_addr=("127.0.0.1", 0))
    return transport, inbox.queue
# ANCHOR_END: inbox


# ANCHOR: boundaries
async def one_socket_many_peers():
    server, server_inbox = await endpoint()
    to = server.get_extra_info("sockname")
    alice, alice_inbox = await endpoint()
    bob, bob_inbox = await endpoint()
    alice.sendto(b"one", to)
    alice.sendto(b"two", to)
    bob.sendto(b"three", to)
    print('alice sent "one" and "two", bob sent "three"')

    def name(addr):
        return "alice" if addr == alice.get_extra_info("sockname") else "bob"

    for _ in range(3):
        data, addr = await server_inbox.get()
        text = data.decode()
        print(f"server got {quoted(text)} ({len(data)} bytes) from {name(addr)}")
        server.sendto(text.upper().encode(), addr)
    for who, inbox, answers in [("alice", alice_inbox, 2), ("bob", bob_inbox, 1)]:
        for _ in range(answers):
            data, _ = await inbox.get()
            print(f"{who} got {quoted(data.decode())}")
    for transport in [server, alice, bob]:
        transport.close()
# ANCHOR_END: boundaries


# ANCHOR: server
class LossyEcho(asyncio.DatagramProtocol):
    """The echo server; it also plays the network: every third datagram is lost, every
    fourth comes back on a slow route, and once the network is down everything is lost."""

    def __init__(self, network, start):
        self.received = 0
        self.network = network
        self.start = start

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.received += 1
        n = self.received
        text = data.decode()
        if self.network["down"] or n % 3 == 0:
            print(f"{at(self.start)}    network: datagram {n} ({text}) lost")
            return
        delay = SLOW if n % 4 == 0 else DELAY
        print(f"{at(self.start)}    network: datagram {n} ({text}) echoed, back in {secs(delay)}")
        # A callback cannot await: schedule the answer instead.
        asyncio.get_running_loop().call_later(delay, self.transport.sendto, data, addr)
# ANCHOR_END: server


# ANCHOR: ping
async def ping(client, inbox, server, seq, tally, start):
    loop = asyncio.get_running_loop()
    for attempt in range(1, TRIES + 1):
        request = f"ping {seq} try {attempt}"
        if attempt == 1:
            print(f"{at(start)}  {request}")
        else:
            print(f"{at(start)}  {request} (no reply within {secs(TIMEOUT)})")
        sent = loop.time()
        client.sendto(request.encode(), server)
        tally["sent"] += 1
        # One deadline for this try: replies to older tries must not extend it.
        deadline = sent + TIMEOUT
        try:
            while True:
                data, addr = await asyncio.wait_for(inbox.get(), deadline - loop.time())
                if addr == server and data.decode() == request:
                    tally["answered"] += 1
                    return loop.time() - sent
                # Anyone may send to this socket, and an old try's reply may come late.
                print(f"{at(start)}  ignored {quoted(data.decode())}: not the reply to this try")
                tally["late"] += 1
        except asyncio.TimeoutError:
            pass
    return None
# ANCHOR_END: ping


async def pings():
    loop = asyncio.get_running_loop()
    start = loop.time()
    network = {"down": False}
    server, _ = await loop.create_datagram_endpoint(
        lambda: LossyEcho(network, start), local_addr=("127.0.0.1", 0)
    )
    to = server.get_extra_info("sockname")
    client, inbox = await endpoint()
    tally = {"sent": 0, "answered": 0, "late": 0}
    for seq in range(1, 6):
        if seq == 5:
            print("-- the network goes down")
            network["down"] = True
        rtt = await ping(client, inbox, to, seq, tally, start)
        if rtt is not None:
            print(f"{at(start)}  ping {seq}: reply, rtt {secs(rtt)}")
        else:
            print(f"{at(start)}  ping {seq}: no reply to {TRIES} tries, giving up")
    print(
        f"5 pings, {tally['answered']} answered; datagrams sent: {tally['sent']}; "
        f"replies ignored: {tally['late']}"
    )
    client.close()
    server.close()


async def main():
    print("== one socket, many peers, whole datagrams ==")
    await one_socket_many_peers()
    print()
    print(
        f"== ping: {secs(TIMEOUT)} timeout, {TRIES} tries; "
        "every 3rd datagram lost, every 4th slow =="
    )
    await pings()


if __name__ == "__main__":
    asyncio.run(main())
