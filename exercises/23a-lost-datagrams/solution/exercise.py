"""Exercise 23a in asyncio, solved: a loop of tries, each with its own asyncio.wait_for. A try
that times out cancels its queue.get(), which loses nothing: a datagram that comes later waits
in the queue."""

import asyncio

TIMEOUT = 1.0  # how long one try waits for its answer
TRIES = 3  # how many tries a city gets
TEMPERATURES = {
    "oslo": "4°C",
    "lima": "19°C",
    "rome": "24°C",
    "kyiv": "-3°C",
    "cairo": "31°C",
    "quito": "14°C",
}


def at(start):
    return f"[{asyncio.get_running_loop().time() - start:.1f}s]"


class Weather(asyncio.DatagramProtocol):
    """The weather service: a city's name in, its temperature out 0.1 s later. It never
    answers for a city it does not know, and the network in front of it loses every third
    datagram."""

    def __init__(self):
        self.received = 0

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.received += 1
        if self.received % 3 == 0:
            return  # lost on the way
        temperature = TEMPERATURES.get(data.decode())
        if temperature is None:
            return  # unknown: no answer at all
        loop = asyncio.get_running_loop()
        loop.call_later(0.1, self.transport.sendto, temperature.encode(), addr)


class Inbox(asyncio.DatagramProtocol):
    """The client's side: every datagram that comes goes into a queue, to be awaited."""

    def __init__(self):
        self.queue = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.queue.put_nowait(data)


async def ask(client, replies, to, city, start):
    print(f"{at(start)} asking for {city}")
    for attempt in range(1, TRIES + 1):
        client.sendto(city.encode(), to)
        try:
            # A timeout for this try only: the next try gets a full second again.
            data = await asyncio.wait_for(replies.get(), TIMEOUT)
            return data.decode()
        except asyncio.TimeoutError:
            if attempt < TRIES:
                print(f"{at(start)} {city}: no answer in 1.0s, asking again")
    print(f"{at(start)} {city}: no answer after {TRIES} tries, giving up")
    return None


async def forecast():
    loop = asyncio.get_running_loop()
    start = loop.time()
    service, _ = await loop.create_datagram_endpoint(Weather, local_addr=("127.0.0.1", 0))
    client, inbox = await loop.create_datagram_endpoint(Inbox, local_addr=("127.0.0.1", 0))
    to = service.get_extra_info("sockname")
    cities = ["oslo", "lima", "rome", "kyiv", "cairo", "quito", "atlantis"]
    answered = 0
    for city in cities:
        temperature = await ask(client, inbox.queue, to, city, start)
        if temperature is not None:
            print(f"{at(start)} {city}: {temperature}")
            answered += 1
    print(f"{answered} of {len(cities)} cities answered")
    client.close()
    service.close()


asyncio.run(forecast())
