"""Exercise 23a in asyncio: a lost UDP request is asked again, each try with its own timeout.

A client asks a weather service, over UDP, for the temperature in seven cities. The network
in front of the service loses every third datagram, and the service says nothing about a city
it does not know. The client gives each city one try of one second.

Goal: give each city up to three tries (TRIES), each with its own timeout of one second
(TIMEOUT); after a try that gets no answer, print `CITY: no answer in 1.0s, asking again`, or
after the last one `CITY: no answer after 3 tries, giving up`. Print exactly expected.txt.
Grade it with `cargo course check 23a --python`: the output and the loop time (5.6 s).
"""

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
    client.sendto(city.encode(), to)
    try:
        data = await asyncio.wait_for(replies.get(), TIMEOUT)
        return data.decode()
    except asyncio.TimeoutError:
        print(f"{at(start)} {city}: no answer in 1.0s")
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
