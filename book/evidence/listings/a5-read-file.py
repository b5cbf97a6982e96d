async def read_file(path): async with aiofiles.open(path) as f: contents = await f.read() return contents
