async def main(): task = asyncio.create_task(my_coroutine()) # do some stuff if __name__ == '__main__': asyncio.run(main())
