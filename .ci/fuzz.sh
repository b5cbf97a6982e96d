#!/usr/bin/env bash
# Fuzzes every target in fuzz/ (the HTTP head parsers, the stream reader's limits) for a
# fixed time each, starting from the committed seed corpus in fuzz/corpus/<target>/.
#
#     .ci/fuzz.sh [SECONDS_PER_TARGET]        (default 30, or $FUZZ_SECONDS)
#
# Installs what it needs when it is missing: the nightly toolchain (cargo-fuzz needs it) and
# cargo-fuzz. Inputs the fuzzer finds interesting go to fuzz/new-corpus/ (ignored by git);
# the committed corpus is only read.
#
# Exits 0 when every target ran without a crash, printing how many inputs each one tried;
# 1 when a target crashed or failed to build (the crashing input is saved under
# fuzz/artifacts/<target>/: replay it with `cargo +nightly fuzz run <target> <file>`);
# 2 when fuzzing cannot run here. It never passes without having fuzzed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-${FUZZ_SECONDS:-30}}"

cannot_run() {
  echo "fuzz: CANNOT RUN: $*" >&2
  exit 2
}

[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || cannot_run "SECONDS_PER_TARGET must be a positive number, not '$seconds'"
command -v rustup >/dev/null || cannot_run "rustup is not installed (cargo-fuzz needs a nightly toolchain)"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal || cannot_run "could not install the nightly toolchain"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install --locked cargo-fuzz || cannot_run "could not install cargo-fuzz"
fi

targets=$(cargo +nightly fuzz list) || cannot_run "cargo fuzz list failed"
[[ -n "$targets" ]] || cannot_run "no fuzz targets in fuzz/"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for target in $targets; do
  corpus="fuzz/corpus/$target"
  [[ -d "$corpus" ]] || cannot_run "$target has no seed corpus at $corpus"
  mkdir -p "fuzz/new-corpus/$target"
  echo "fuzz: $target for ${seconds}s, from $corpus"
  status=0
  # --debug-assertions: overflow checks and debug_assert! too.
  cargo +nightly fuzz run --debug-assertions "$target" "fuzz/new-corpus/$target" "$corpus" \
    -- -max_total_time="$seconds" >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    tail -n 60 "$log" >&2
    echo "fuzz: $target FAILED (exit $status); a crashing input is under fuzz/artifacts/$target/" >&2
    failed+=("$target")
    continue
  fi
  # libFuzzer's last line: "Done 123456 runs in 30 second(s)".
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)
  if [[ -z "$done_line" ]]; then
    tail -n 30 "$log" >&2
    cannot_run "$target: the fuzzer exited without saying how many inputs it ran"
  fi
  read -r _ runs _ _ secs _ <<<"$done_line"
  echo "fuzz: $target: $runs executions in ${secs}s, no crash"
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target ran without a crash"
