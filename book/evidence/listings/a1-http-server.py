import asyncio
async def handle_request(reader, writer):
data = await reader.read()
message = data.decode()
addr = writer.get_extra_info('peername')
print(f"Received request from {addr}: {message}")
writer.write(f"HTTP/1.1 200 OK\r\n\r\nHello, {addr[0]}!".encode())
await writer.drain()
writer.close()
async def main():
server = await asyncio.start_server(
handle_request, '127.0.0.1', 8080)
addr = server.sockets[0].getsockname()
print(f'Serving on {addr}')
async with server:
await server.serve_forever()
asyncio.run(main())
