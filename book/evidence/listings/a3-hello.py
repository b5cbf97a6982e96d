import asyncio
async def main():
print('Hello ...')
await asyncio.sleep(1)
print('... World!')
Python 3.5+
asyncio.run(main())
