start = time.time()
download_page_task1 = asyncio.create_task(download_page(url1))
download_page_task2 = asyncio.create_task(download_page(url2))
download_page_task3 = asyncio.create_task(download_page(url3))
await download_page_task1
await download_page_task2
await download_page_task3
end = time.time()
