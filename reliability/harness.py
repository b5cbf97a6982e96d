"""What every case of the reliability suite needs: a lesson's server as a child process,
readings of its memory, open files and CPU time from /proc, sockets with the options a
hostile client sets, and the table of results.

Every server is started with a deadline and a parent-death signal, and killed by its PID when
its case ends (or when the suite exits, however it exits).
"""

import asyncio
import atexit
import ctypes
import os
import re
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
KIB = 1024

# Each lesson: its binary, and the arguments that make it listen on a free loopback port.
# The first line a server prints ends with the address it listens on.
LESSONS = {
    "04": ("lesson-04", ["--serve", "127.0.0.1:0"]),
    "05": ("lesson-05", ["--serve", "127.0.0.1:0"]),
    "10": ("lesson-10", ["--serve", "--port", "0"]),
    "16": ("lesson-16", ["--serve", "--port", "0"]),
}

# Extra seconds allowed on top of every time limit a lesson states, for a busy machine.
MARGIN = float(os.environ.get("RELIABILITY_MARGIN", "5"))

# PIDs of every process the suite started and has not reaped yet.
_children = {}


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def raise_fd_limit(want=8192):
    """Raises this process's open-file limit to `want` (the servers inherit it). A thousand
    clients need a thousand sockets here, and the server a thousand more in its own process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4096:
        sys.exit(f"reliability: the hard limit on open files is {hard}; the suite needs 4096 "
                 f"(raise it, e.g. `ulimit -Hn 8192` as root)")
    new = want if hard == resource.RLIM_INFINITY else min(want, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, new), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _kill_all():
    for pid, proc in list(_children.items()):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=5)
        except Exception:
            pass
        _children.pop(pid, None)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


atexit.register(_kill_all)
for _sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(_sig, _on_signal)

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _child_setup(nofile):
    """Runs in the child between fork and exec: dies with the suite, and gets its file limit."""
    def setup():
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    return setup


def spawn(argv, **kwargs):
    """Starts a helper process (a busy loop), killed by PID at the end like the servers."""
    proc = subprocess.Popen(argv, preexec_fn=_child_setup(None), **kwargs)
    _children[proc.pid] = proc
    return proc


def stop(proc):
    """Kills a process the suite started, by its PID, and reaps it."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _children.pop(proc.pid, None)


class ServerError(Exception):
    pass


class Server:
    """A lesson's `--serve` mode, on a free loopback port.

    `log` says where its output goes:
      "file"          stdout and stderr to files (read at the end);
      "stdout-closed" stdout to a pipe whose read end is closed after the first line
                      (`--serve | head -1`), stderr to a file;
      "both-closed"   stdout and stderr to one pipe, closed after the first line
                      (`--serve 2>&1 | head -1`).
    `nofile` is the open-file limit the server starts with (`ulimit -n`).
    """

    def __init__(self, lesson, extra=(), log="file", nofile=None):
        name, args = LESSONS[lesson]
        self.lesson = lesson
        self.exe = target_dir() / PROFILE[0] / name
        if not self.exe.exists():
            raise ServerError(f"{self.exe} is missing: build it first (reliability/run does)")
        self.argv = [str(self.exe), *args, *extra]
        self.log = log
        self.nofile = nofile
        self.proc = None
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()

    def start(self, deadline=10.0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIO_")}
        if self.log == "file":
            stdout, stderr = self._out, self._err
        elif self.log == "stdout-closed":
            stdout, stderr = subprocess.PIPE, self._err
        else:
            stdout, stderr = subprocess.PIPE, subprocess.STDOUT
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                     stderr=stderr, env=env, cwd=ROOT,
                                     preexec_fn=_child_setup(self.nofile))
        _children[self.proc.pid] = self.proc
        self.pid = self.proc.pid
        line = self._first_line(deadline)
        if self.log != "file":
            self.proc.stdout.close()  # Whatever the server prints next has nowhere to go.
        match = re.search(r"(\d+\.\d+\.\d+\.\d+):(\d+)\s*$", line)
        if not match:
            raise ServerError(f"no address in its first line {line!r}")
        self.addr = (match.group(1), int(match.group(2)))
        return self

    def _first_line(self, deadline):
        end = time.monotonic() + deadline
        data = b""
        while b"\n" not in data:
            if self.proc.poll() is not None:
                raise ServerError(f"exited ({self.proc.returncode}) before it listened: "
                                  f"{self.stderr()!r}")
            if time.monotonic() > end:
                raise ServerError(f"printed no first line within {deadline}s")
            if self.log == "file":
                self._out.seek(0)
                data = self._out.read()
                time.sleep(0.005)
            else:
                ready, _, _ = select.select([self.proc.stdout], [], [], 0.05)
                if ready:
                    chunk = os.read(self.proc.stdout.fileno(), 4096)
                    data += chunk
        return data.split(b"\n", 1)[0].decode(errors="replace")

    def stop(self):
        if self.proc is not None:
            stop(self.proc)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def alive(self):
        return self.proc.poll() is None

    def log_size(self):
        """How many bytes the server has printed on stdout (with log="file")."""
        return os.fstat(self._out.fileno()).st_size

    def stderr(self):
        self._err.seek(0)
        return self._err.read().decode(errors="replace")

    # -- /proc readings (Linux) --

    def fds(self):
        """How many files and sockets the server has open."""
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def mem(self, field_name):
        """`VmRSS` (what it holds now) or `VmHWM` (the most it ever held), in bytes."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * KIB
        raise ServerError(f"no {field_name} in /proc/{self.pid}/status")

    def cpu(self):
        """CPU seconds the server has used (user and system)."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def wait_fds(self, target, within):
        """Waits until the server holds at most `target` files; returns how long it took, or
        None if it still held more after `within` seconds."""
        start = time.monotonic()
        while True:
            if not self.alive():
                raise ServerError(f"exited ({self.proc.returncode}): {self.stderr()[-500:]!r}")
            if self.fds() <= target:
                return time.monotonic() - start
            if time.monotonic() - start > within:
                return None
            await asyncio.sleep(0.01)

    async def wait_fds_above(self, target, within):
        """Waits until the server holds more than `target` files (it took the connections)."""
        start = time.monotonic()
        while self.fds() <= target:
            if time.monotonic() - start > within:
                return False
            await asyncio.sleep(0.005)
        return True


# Set by the suite: ("release",) or ("debug",).
PROFILE = ["release"]


# -- sockets --

async def connect(addr, rcvbuf=None, sndbuf=None, timeout=10.0):
    """A non-blocking TCP connection to `addr`, with a small receive buffer (`rcvbuf`: the
    window this side offers) or send buffer if asked; options set before connecting, so the
    window scale is chosen for them."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if sndbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    try:
        await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, addr), timeout)
    except BaseException:
        sock.close()
        raise
    return sock


async def open_stream(addr, limit=1 << 20, **options):
    """asyncio streams over `connect`."""
    sock = await connect(addr, **options)
    return await asyncio.open_connection(sock=sock, limit=limit)


def reset(sock):
    """Closes with a reset (RST) instead of a FIN: SO_LINGER on, with a zero timeout."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def reset_stream(writer):
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class Mismatch(Exception):
    """What came back is not what was sent (or not the answer the lesson gives)."""


def check(condition, what):
    if not condition:
        raise Mismatch(what)


# -- results --

@dataclass
class Row:
    lesson: str
    case: str
    ok: bool = False
    verified: int = 0          # bytes compared byte for byte with what was expected
    peak: int = 0              # the server's VmHWM at the end of the case, bytes
    grew: int = 0              # VmHWM minus VmRSS before the clients came
    bound: int = 0             # the stated bound on `grew`, bytes (0: none asserted)
    fds_before: int = 0
    fds_peak: int = 0
    fds_after: int = 0
    release: float = None      # seconds for the server to let go (see the case)
    limit: float = None        # the stated limit on `release`
    seconds: float = 0.0       # how long the case ran
    notes: list = field(default_factory=list)
    failures: int = 0

    def note(self, text):
        self.notes.append(text)

    def fail(self, text):
        """Records a failed check; the case goes on measuring."""
        self.failures += 1
        self.notes.append("FAIL: " + text)

    def require(self, condition, text):
        if not condition:
            self.fail(text)
        return condition


def human(n):
    if n >= 10 * MIB:
        return f"{n / MIB:.0f}M"
    if n >= MIB:
        return f"{n / MIB:.1f}M"
    if n >= KIB:
        return f"{n / KIB:.0f}K"
    return str(n)


COLUMNS = ("lesson", "case", "verified", "peak RSS", "grew/bound", "fds", "release/limit",
           "time", "result")


def cells(row):
    release = "-" if row.release is None else f"{row.release:.2f}s"
    if row.limit is not None:
        release += f"/{row.limit:.0f}s"
    return (
        row.lesson,
        row.case,
        human(row.verified) if row.verified else "-",
        human(row.peak) if row.peak else "-",
        (human(row.grew) + ("/" + human(row.bound) if row.bound else "")) if row.peak else "-",
        f"{row.fds_before}>{row.fds_peak}>{row.fds_after}" if row.fds_before else "-",
        release,
        f"{row.seconds:.1f}s",
        "pass" if row.ok else "FAIL",
    )


WIDTHS = (6, 24, 8, 8, 11, 14, 13, 6, 6)


def format_row(values):
    return "  ".join(str(v).ljust(w) for v, w in zip(values, WIDTHS)).rstrip()


def print_row(row):
    print(format_row(cells(row)), flush=True)
    for text in row.notes:
        print(f"{'':8}{text}", flush=True)
