async def main(): # do some stuff ... if __name__ == '__main__': asyncio.run(main())
