"""Why asyncio needs no Pin: a coroutine's frame lives on the heap, and moving the coroutine
moves only a reference to it. tests/tests/pin.rs runs this and checks frames.stdout."""

import asyncio


# ANCHOR: frames
async def greet(name):
    first = name[:1]
    await asyncio.sleep(0)  # Suspended here.
    return f"{first} is for {name}"


coro = greet("Ada")
coro.send(None)  # Run it to its first suspension, by hand.
frame = coro.cr_frame  # The heap object that holds its locals.
print("locals while suspended:", dict(frame.f_locals))

moved = [coro]  # "Move" the coroutine into a list: only a reference is copied.
del coro
print("same frame after the move:", moved[0].cr_frame is frame)
try:
    moved[0].send(None)
except StopIteration as done:
    print("returned:", done.value)
# ANCHOR_END: frames
