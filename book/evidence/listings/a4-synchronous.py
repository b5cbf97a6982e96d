start = time.time()
download_page(url1) # blocks
download_page(url2) # waits for url1 to finish
download_page(url3)
end = time.time()
