"""Whether the articles' listings, exactly as printed, are Python: compiles each file in
listings/ (none is run) and prints one row per listing of the table in listings.md, with
what the compiler says. Run it with `python3 -W default listings.py`.

The row says the kind of error and its line, not the message, whose wording changes from
one Python version to the next.
"""

import os
import sys

if sys.warnoptions != ["default"]:
    sys.exit("run this with: python3 -W default listings.py")

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "listings")
for name in sorted(os.listdir(here)):
    with open(os.path.join(here, name), encoding="utf-8") as file:
        source = file.read()
    try:
        compile(source, name, "exec")
        said = "compiles"
    except SyntaxError as e:
        said = f"{type(e).__name__} on line {e.lineno}"
    print(f"| `{name}` | {said} |")
