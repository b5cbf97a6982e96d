#!/usr/bin/env bash
# Runs the runtime's tests (crates/aio/tests) under Miri, which checks each step of a test for
# undefined behaviour, data races and leaked memory: the loop, its wakers and run queue
# (shared with other threads), the task table and the `sync` primitives (Rc and RefCell), the
# timers, `gather`/`wait`, the task group and the blocking pool, and the unsafe code of the
# crates under them (polling, rustix, crossbeam-channel, futures).
#
#     .ci/miri.sh [TEST...]        (default: every test binary but the EXCLUDED ones)
#
# What runs: every test binary in crates/aio/tests, on the Linux reactor, except the binaries
# in EXCLUDED below, each with its reason. Inside a binary that runs, a test Miri cannot run
# carries `#[cfg_attr(miri, ignore = "Miri ...")]` and shows as "ignored, Miri ..." in the
# output. A new test binary runs under Miri by default: if Miri cannot run it, this script
# fails, and the binary gets an entry in EXCLUDED (or its tests an ignore) with the reason.
#
# Miri's default flags: isolation on (the clock is Miri's own and deterministic, no host
# files or sockets), leaks reported as errors, one seed. Not the portable reactor
# (`--features aio/portable`): it waits with polling's own `Poller::wait`, whose wake-up
# descriptor is registered in a way Miri's epoll does not support (see below).
#
# polling under Miri: `Poller::new` on Linux creates a timerfd and registers its own eventfd
# level-triggered one-shot; Miri supports neither (it has no timerfd, and its epoll is
# edge-triggered only), so every loop would stop at creation. aio's Linux reactor uses neither
# of them: it waits with its own `epoll_wait` and is woken through its own eventfd, and uses
# the poller only for its epoll instance. So this script builds the locked version of polling
# for Miri from a copy with those two steps left out under `cfg(miri)`, kept beside Miri's
# sysroot in ~/.cache/aio-miri/ (or $MIRI_DEPS_DIR; outside the workspace, which a path
# dependency inside it would join). If polling's code no longer matches, the script stops and
# says so. Cargo.lock is not touched (see `lock` below).
#
# Installs what it needs when it is missing: the nightly toolchain (or $MIRI_TOOLCHAIN, e.g.
# nightly-2026-05-19 to pin one) with the miri and rust-src components, and Miri's sysroot.
#
# Exits 0 when every test that runs passed and Miri found nothing; 1 when a test failed, Miri
# reported undefined behaviour, a data race, a leak or a deadlock, or a binary ran longer than
# $MIRI_BINARY_SECONDS (default 900); 2 when Miri cannot run here. It never passes without
# having run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain="${MIRI_TOOLCHAIN:-nightly}"
limit="${MIRI_BINARY_SECONDS:-900}"

# Test binaries of crates/aio that Miri cannot run, and why.
declare -A EXCLUDED=(
  [busy_loop]="sets a UnixStream pair non-blocking (ioctl FIONBIO), which Miri does not support"
  [short_io]="sets a UnixStream pair non-blocking (ioctl FIONBIO), which Miri does not support"
  [net]="real TCP sockets: Miri has none under isolation, and without it does not support the second listen() of aio's TcpListener::bind (which raises the backlog)"
  [streams]="real TCP sockets (as net)"
  [protocol]="real TCP sockets (as net)"
  [udp]="real UDP sockets: Miri has none under isolation"
  [datagram]="real UDP sockets (as udp)"
  [read_buffer]="real TCP sockets (as net)"
  [virtual_grace]="real TCP sockets (as net)"
  [idle_memory]="real TCP sockets (as net), 1,000 idle connections"
  [fds]="real TCP sockets (as net), and reads /proc/self/fd"
  [debug]="every check runs this test binary again in a child process (with AIO_DEBUG set), and Miri cannot start processes"
  [complexity]="counts the work of 1,000 children or waiters per test: hours under Miri (gather, wait, task_group and sync_* run the same paths with a few)"
  [task_memory]="counts the heap held by 65,536 sleeping tasks: far too slow under Miri (tasks and timers run the same paths with a few)"
  [iteration]="a reader's lines come over real TCP sockets (as net); the interval and queue streams it also tests run on paths timers and sync cover"
  [process]="starts child processes (sh, cat, sleep), which Miri cannot do"
  [cancel_safety]="reads aio's source files, which Miri's isolation forbids (and it runs no runtime code)"
  [signal]="installs real signal handlers (sigaction, which Miri does not support) and sets a UnixStream pair non-blocking; the cases about the process dying run the test binary again in a child process"
)

cannot_run() {
  echo "miri: CANNOT RUN: $*" >&2
  exit 2
}

# The toolchain, Miri and its sysroot.
command -v rustup >/dev/null || cannot_run "rustup is not installed (Miri needs a nightly toolchain)"
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "miri: installing the $toolchain toolchain"
  rustup toolchain install "$toolchain" --profile minimal --component miri,rust-src ||
    cannot_run "could not install the $toolchain toolchain with miri and rust-src"
fi
if ! cargo "+$toolchain" miri --version >/dev/null 2>&1 ||
  ! rustup component list --toolchain "$toolchain" --installed | grep -q '^rust-src'; then
  echo "miri: adding the miri and rust-src components to $toolchain"
  rustup component add --toolchain "$toolchain" miri rust-src ||
    cannot_run "could not add miri and rust-src to $toolchain (a nightly without Miri? set MIRI_TOOLCHAIN=nightly-YYYY-MM-DD)"
fi
cargo "+$toolchain" miri setup || cannot_run "cargo +$toolchain miri setup failed"
echo "miri: $(cargo "+$toolchain" miri --version)"

# The copy of polling that Miri can run (see the top of this file): made once per version.
deps="${MIRI_DEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aio-miri}"
mkdir -p "$deps"
cargo "+$toolchain" fetch --locked -q || cannot_run "cargo fetch failed"
read -r polling_version original < <(cargo "+$toolchain" metadata --locked --format-version 1 |
  python3 -c '
import json, sys
meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
for node in meta["resolve"]["nodes"]:
    if packages[node["id"]]["name"] == "aio":
        for dep in node["deps"]:
            polling = packages[dep["pkg"]]
            if polling["name"] == "polling":
                print(polling["version"], polling["manifest_path"].rsplit("/", 1)[0])
') || true
[[ -n "${polling_version:-}" && -d "${original:-}" ]] || cannot_run "cannot find the source of aio's polling"
patched="$deps/polling-$polling_version"
if [[ ! -f "$patched/.miri-patched" ]]; then
  rm -rf "$patched"
  cp -R "$original" "$patched"
  python3 - "$patched/src/epoll.rs" <<'EOF' || cannot_run "polling $polling_version's Poller::new is not what .ci/miri.sh expects: update the copy it makes for Miri"
import sys

path = sys.argv[1]
text = open(path).read()
edits = [
    # No timerfd under Miri: `timer_fd` is None, as on a kernel without one.
    ("        let timer_fd = timerfd_create(",
     "        let timer_fd = if cfg!(miri) { None } else { timerfd_create("),
    ("        .ok();\n\n        let poller = Poller {",
     "        .ok() };\n\n        let poller = Poller {"),
    # Its own eventfd is not registered under Miri (one-shot, level-triggered); aio's Linux
    # reactor never calls `Poller::notify` or `Poller::wait`.
    ("            poller.add(\n"
     "                poller.notifier.as_fd().as_raw_fd(),\n"
     "                Event::readable(crate::NOTIFY_KEY),\n"
     "                PollMode::Oneshot,\n"
     "            )?;\n",
     "            if !cfg!(miri) {\n"
     "            poller.add(\n"
     "                poller.notifier.as_fd().as_raw_fd(),\n"
     "                Event::readable(crate::NOTIFY_KEY),\n"
     "                PollMode::Oneshot,\n"
     "            )?;\n"
     "            }\n"),
]
for old, new in edits:
    if text.count(old) != 1:
        sys.exit(f"not found once in {path}:\n{old}")
    text = text.replace(old, new)
open(path, "w").write(text)
EOF
  touch "$patched/.miri-patched"
fi

# A patched dependency has no registry source, so its entry in the lock file differs: cargo
# writes that to a copy of Cargo.lock (resolver.lockfile-path, cargo 1.97), never to the
# workspace's own. The copy is made afresh from Cargo.lock each run, and checked after the
# build to differ only in that entry: Miri builds the versions Cargo.lock pins.
lock="$deps/Cargo.lock"
cp Cargo.lock "$lock"
lock_sum=$(sha256sum Cargo.lock)
miri_args=(
  --config "resolver.lockfile-path=\"$lock\""
  --config "patch.crates-io.polling.path=\"$patched\""
)

# The binaries that run.
binaries=()
for file in crates/aio/tests/*.rs; do
  name=$(basename "$file" .rs)
  [[ -v "EXCLUDED[$name]" ]] || binaries+=("$name")
done
if [[ $# -gt 0 ]]; then
  # Only the binaries named on the command line (while working on one part of the runtime).
  for name in "$@"; do
    [[ -f "crates/aio/tests/$name.rs" ]] || { echo "miri: no test binary crates/aio/tests/$name.rs" >&2; exit 1; }
    [[ ! -v "EXCLUDED[$name]" ]] || { echo "miri: $name is excluded: ${EXCLUDED[$name]}" >&2; exit 1; }
  done
  binaries=("$@")
fi
[[ ${#binaries[@]} -gt 0 ]] || cannot_run "no test binaries to run in crates/aio/tests"

echo "miri: building ${#binaries[@]} test binaries"
build_args=()
for name in "${binaries[@]}"; do build_args+=(--test "$name"); done
if ! cargo "+$toolchain" miri test -p aio "${miri_args[@]}" --no-run "${build_args[@]}"; then
  echo "miri: FAILED: the test binaries did not build for Miri" >&2
  exit 1
fi
[[ "$(sha256sum Cargo.lock)" == "$lock_sum" ]] ||
  cannot_run "cargo changed Cargo.lock (does this cargo know resolver.lockfile-path?): restore it with git"
lock_changes=$(diff Cargo.lock "$lock" | grep '^[<>]' || true)
expected_changes=$(awk -v want="version = \"$polling_version\"" '
  /^\[\[package\]\]$/ { polling = 0; entry = 0 }
  $0 == "name = \"polling\"" { polling = 1 }
  polling && $0 == want { entry = 1 }
  entry && /^(source|checksum) = / { print "< " $0 }' Cargo.lock)
[[ "$lock_changes" == "$expected_changes" ]] ||
  cannot_run "the Miri build resolved other versions than Cargo.lock pins:
$lock_changes"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=()
ignored=()
start=$SECONDS
for name in "${binaries[@]}"; do
  echo
  echo "miri: --test $name"
  status=0
  timeout --kill-after=30 "$limit" \
    cargo "+$toolchain" miri test -p aio "${miri_args[@]}" --test "$name" 2>&1 |
    tee "$log" || status=$?
  if [[ $status -eq 124 || $status -eq 137 ]]; then
    failed+=("$name (ran longer than $limit s)")
  elif [[ $status -ne 0 ]]; then
    failed+=("$name (exit $status: see its output above)")
  else
    count=$(sed -n 's/^test result: ok\. \([0-9]*\) passed;.*/\1/p' "$log" | tail -n 1)
    passed=$((passed + ${count:-0}))
  fi
  while IFS= read -r line; do
    ignored+=("$name::$line")
  done < <(sed -n 's/^test \(.*\) \.\.\. ignored, \(Miri.*\)$/\1: \2/p' "$log")
done
elapsed=$((SECONDS - start))

echo
echo "miri: test binaries not run under Miri:"
mapfile -t excluded_present < <(for name in "${!EXCLUDED[@]}"; do
  [[ -f "crates/aio/tests/$name.rs" ]] && echo "$name"; done | sort)
for name in "${excluded_present[@]}"; do
  echo "  $name: ${EXCLUDED[$name]}"
done
echo "miri: tests ignored under Miri (cfg_attr(miri, ignore)):"
for entry in "${ignored[@]}"; do
  echo "  $entry"
done
echo "miri: not run under Miri either: the portable reactor (--features aio/portable: polling's"
echo "  own wait, see the top of .ci/miri.sh) and the doctests (each its own crate to build)"

summary="${#excluded_present[@]} binaries (${excluded_present[*]}) and ${#ignored[@]} tests"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "miri: FAILED in ${#failed[@]} of ${#binaries[@]} binaries: ${failed[*]}" >&2
  echo "miri: $passed tests passed; excluded: $summary; ${elapsed}s" >&2
  exit 1
fi
echo "miri: $passed tests passed in ${#binaries[@]} binaries; excluded: $summary; ${elapsed}s"
