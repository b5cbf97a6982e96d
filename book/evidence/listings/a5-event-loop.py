import asyncio loop = asyncio.get_event_loop() # Your code goes here loop.run_until_complete(coro) loop.close()
