def blocking_call(): time.sleep(1) return 'Done' async def my_coroutine(): result = await loop.run_in_executor(None, blocking_call) print(f'Result: {result}')
