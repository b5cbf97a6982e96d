async def my_coroutine(): future = asyncio.Future() loop = asyncio.get_event_loop() loop.call_later(1, future.set_result, 'Hello, world!') result = await future print(result)
