#!/usr/bin/env python3
"""Checks that the built book reads in a 1280-pixel-wide window without sideways scrolling.

    .ci/book-width.py [BOOK_DIR]        (default: book/book; build it first: mdbook build book)

Serves BOOK_DIR on 127.0.0.1, opens every page in headless Chromium at 1280 x 900 (the
sidebar open, as a first visit shows it), and lists every listing (`pre > code`), table, table
wrapper or `main` whose content is wider than its box, so that it needs a scrollbar. A few
lines of script added to each page as it is served do the measuring, once the page and its
fonts have loaded, and leave the result in the page, which `--dump-dom` prints.

Exits 0 when nothing overflows, 1 listing what does, 2 when the check itself cannot run
(no book, no Chromium, a page that does not load): it never passes without having looked.
Installs Debian's chromium with apt-get when no Chromium is found, and says so.
"""

import argparse
import functools
import html
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

WIDTH, HEIGHT = 1280, 900
PAGE_TIMEOUT = 60  # seconds for one page, Chromium's start included

# Measures after the load event and the fonts, then writes the result on <body>.
MEASURE = b"""<script>
window.addEventListener("load", () => document.fonts.ready.then(() => {
  const found = [];
  const els = document.querySelectorAll("main, main pre > code, main table, main .table-wrapper");
  for (const el of els) {
    const over = el.scrollWidth - el.clientWidth;
    if (over <= 1) continue;
    const kind = el.matches("code") ? "listing" : el.matches("table") ? "table"
      : el.matches(".table-wrapper") ? "table wrapper" : "main";
    let what;
    if (kind === "listing") {
      const lines = (el.textContent || "").split("\\n");
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
      what = `its longest line, ${longest.length} characters: ${longest.trim().slice(0, 90)}`;
    } else {
      const row = el.querySelector("tr");
      const cells = row ? Array.from(row.cells, (c) => c.textContent.trim()) : [];
      what = `${cells.length} columns: ${cells.join(" | ").slice(0, 90)}`;
    }
    found.push({kind, box: el.clientWidth, content: el.scrollWidth, what});
  }
  const main = document.querySelector("main");
  document.body.setAttribute("data-book-width", JSON.stringify({
    viewport: document.documentElement.clientWidth,
    main: main ? main.clientWidth : null,
    found,
  }));
}));
</script>"""
REPORT = re.compile(r'data-book-width="([^"]*)"')

# A page that must be reported: if the check cannot see this, it sees nothing.
SELF_TEST = "/__book-width-self-test.html"
SELF_TEST_PAGE = (
    b"<!DOCTYPE html><html><body><main><pre><code style='display:block;overflow-x:auto'>"
    + b"x" * 400
    + b"</code></pre></main></body></html>"
)


def log(message):
    print(f"book-width: {message}", flush=True)


def give_up(message):
    log(f"cannot check: {message}")
    sys.exit(2)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the book, with MEASURE added to every HTML page."""

    def do_GET(self):
        path = self.path.split("?")[0].split("#")[0]
        if path == SELF_TEST:
            body = SELF_TEST_PAGE.replace(b"</body>", MEASURE + b"</body>")
        elif path.endswith(".html"):
            file = Path(self.translate_path(path))
            if not file.is_file():
                self.send_error(404)
                return
            body = file.read_bytes()
            if b"</body>" not in body:
                body += MEASURE
            else:
                body = body.replace(b"</body>", MEASURE + b"</body>", 1)
        else:
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def install_chromium():
    log("no Chromium found: installing Debian's chromium (apt-get install -y chromium)")
    if not shutil.which("apt-get"):
        give_up("no Chromium, and no apt-get to install it with")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        if subprocess.run(sudo + command, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            give_up(f"`{' '.join(sudo + command)}` failed")
    return find_chromium() or give_up("chromium is still not found after installing it")


def measure(chromium, url):
    """Loads `url` in a fresh headless Chromium and returns the page's report."""
    with tempfile.TemporaryDirectory(prefix="book-width-profile-") as profile:
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run",
            f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
            "--virtual-time-budget=10000", "--dump-dom", url,
        ]  # fmt: skip
        # Its own process group, so that its helper processes go with it on a timeout.
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = child.communicate(timeout=PAGE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            give_up(f"{url}: Chromium did not finish within {PAGE_TIMEOUT} s")
    found = REPORT.search(out.decode("utf-8", "replace"))
    if child.returncode != 0 or not found:
        stderr = err.decode("utf-8", "replace").strip()[-2000:]
        give_up(
            f"{url}: Chromium (status {child.returncode}) gave no measurement;"
            f" its stderr:\n{stderr}"
        )
    return json.loads(html.unescape(found.group(1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("book", nargs="?", default=root / "book" / "book", type=Path)
    book = parser.parse_args().book.resolve()
    if not (book / "index.html").is_file():
        give_up(f"no built book in {book} (run `mdbook build book` first)")

    chromium = find_chromium() or install_chromium()

    # print.html is every chapter again on one page (and asks to print itself).
    pages = sorted(
        p.relative_to(book).as_posix()
        for p in book.rglob("*.html")
        if p.name != "print.html"
    )

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(book))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        test = measure(chromium, base + SELF_TEST)
        if not test["found"]:
            give_up("a deliberately wide listing was not reported; the check sees nothing")
        log(f"{chromium}: {len(pages)} pages of {book} at {WIDTH}x{HEIGHT}")
        failures = 0
        column = "?"
        for page in pages:
            report = measure(chromium, f"{base}/{page}")
            if page.startswith("lessons/") and report["main"]:
                column = f"{report['viewport']} px wide page, {report['main']} px text column"
            for item in report["found"]:
                failures += 1
                log(
                    f"overflow: {page}: {item['kind']} {item['content']} px wide in a"
                    f" {item['box']} px box; {item['what']}"
                )
        if failures:
            log(f"FAILED: {failures} elements need a horizontal scrollbar at {WIDTH} px ({column})")
            return 1
        log(f"ok: no listing or table overflows at {WIDTH} px ({column})")
        return 0
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
