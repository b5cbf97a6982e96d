async def my_coroutine(): print('Coroutine started') await asyncio.sleep(1) print('Coroutine resumed')
