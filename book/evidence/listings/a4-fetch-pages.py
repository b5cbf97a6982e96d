import asyncio
import time
async def fetch_page(url):
print(f"Fetching {url}")
async with aiohttp.ClientSession() as session:
async with session.get(url) as response:
html = await response.text()
return html
async def main():
urls = ['https://www.jython.org',
'http://olympus.realpython.org/',
'https://realpython.com/']
tasks = []
start = time.time()
for url in urls:
tasks.append(asyncio.create_task(fetch_page(url)))
results = await asyncio.gather(*tasks)
end = time.time()
print(f"Total time: {end-start}")
asyncio.run(main())
