import asyncio
async def send_message(writer):
while True:
message = input('Enter a message: ')
writer.write(message.encode())
await writer.drain()
print(f"Sent: {message}")
async def main():
reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
async with writer:
await send_message(writer)
writer.close()
asyncio.run(main())
