"""Which names the `asyncio` module has, in the Python that runs this script:
`python3 -W default asyncio_names.py` prints one row of the table in asyncio_names.md.

The first four came with a Python version after asyncio itself (3.4): the articles label
`asyncio.run` "Python 3.5+". The last two are names the articles use that asyncio never had.
"""

import asyncio
import sys

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default asyncio_names.py")

NAMES = ["run", "create_task", "to_thread", "TaskGroup", "set_limit", "create_server"]

version = "%d.%d.%d" % sys.version_info[:3]
cells = ["yes" if hasattr(asyncio, name) else "no" for name in NAMES]
print(f"| {version} | " + " | ".join(cells) + " |")
