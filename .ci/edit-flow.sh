#!/usr/bin/env bash
# The steps of "I changed a lesson" (README and book), run on a copy of the working tree: change a
# line lesson 01 prints, see its tests fail, accept the new snapshots, skip or fix the asyncio
# twin, and go back with git. Each step that behaves as documented prints "edit-flow: ok: ...";
# the first one that does not stops the script with a non-zero status and the command's output.
#
# The copy builds into target/edit-flow (EDIT_FLOW_TARGET_DIR to change it), kept between runs so
# that only the first run builds the dependencies. Not the repository's own target dir: cargo
# names a workspace member's artifacts after its path relative to the workspace, the same in the
# copy, so the copy's edited lesson would replace the repository's, and cargo there would take
# it as up to date.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${EDIT_FLOW_TARGET_DIR:-$repo/target/edit-flow}
export CARGO_TERM_COLOR=never
# The steps set what they need; nothing from the caller's environment changes them. Not even CI,
# on which insta writes no .snap.new: the steps are a student's, on their own machine.
unset SKIP_TWINS INSTA_UPDATE INSTA_FORCE_PASS AIO_CLOCK AIO_DEBUG AIO_TRACE CI

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
work=$tmp/repo
mkdir "$work"

ok() { echo "edit-flow: ok: $*"; }
fail() {
  echo "edit-flow: FAILED: $*" >&2
  if [[ -n ${log:-} && -s $log ]]; then
    echo "--- output of the last command (its last 60 lines)" >&2
    tail -n 60 "$log" >&2
  fi
  exit 1
}
steps=0
# Runs `env ARGS...` in the copy, its output in $log; returns its status.
run() {
  steps=$((steps + 1))
  log=$tmp/step-$steps.log
  (cd "$work" && env "$@") >"$log" 2>&1
}
# Whether the last `cargo test` reported test $1 as ok or FAILED.
reported() { grep -q "^test $1 \.\.\. $2\$" "$log"; }

command -v python3 >/dev/null || fail "python3 not found: the twin steps need it"

# What a fresh clone plus the files you added would hold: every file git tracks or would
# track, as it is now in the working tree (uncommitted changes included).
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do if [[ -e $f ]]; then printf '%s\0' "$f"; fi; done |
  xargs -0 cp --parents -t "$work")
# A repository of its own, so that `git diff` and `git checkout` work as documented.
git -C "$work" init -q
git -C "$work" add -A
git -C "$work" -c user.name=edit-flow -c user.email=edit-flow@localhost -c commit.gpgsign=false \
  commit -q --no-verify -m copy
ok "copied the working tree to $work"

lesson=lessons/01-hello-sleep
snapshot=$lesson/tests/snapshots/output__lesson-01.snap
trace=$lesson/tests/snapshots/trace__lesson-01-trace.snap
old='Hello ...'
new='Hello, student ...'

run INSTA_UPDATE=no cargo test -p lesson-01 || fail "lesson 01's tests fail before any change"
ok "cargo test -p lesson-01 passes before the change"

sed -i "s/println!(\"$old\")/println!(\"$new\")/" "$work/$lesson/src/main.rs"
grep -qF "println!(\"$new\")" "$work/$lesson/src/main.rs" ||
  fail "no println!(\"$old\") to change in $lesson/src/main.rs"
ok "changed println!(\"$old\") to println!(\"$new\")"

run AIO_CLOCK=virtual cargo run -q -p lesson-01 || fail "AIO_CLOCK=virtual cargo run -p lesson-01 failed"
grep -qxF "$new" "$log" || fail "AIO_CLOCK=virtual cargo run -p lesson-01 does not print \"$new\""
ok "AIO_CLOCK=virtual cargo run -p lesson-01 prints the new line"

# --no-fail-fast, as documented: without it cargo stops at the first test file that fails
# (output.rs, whose twin test fails), and the trace snapshot in trace.rs is never compared.
if run cargo test -p lesson-01 --no-fail-fast; then
  fail "cargo test -p lesson-01 passes after the change"
fi
reported output_matches_snapshot FAILED || fail "the output snapshot test did not fail"
reported trace_matches_snapshot FAILED || fail "the trace snapshot test did not fail"
grep -qF "+$new" "$log" || fail "the snapshot tests' failures do not show the new line as +$new"
ok "cargo test -p lesson-01 --no-fail-fast fails, and its diffs show +$new"
reported output_matches_the_asyncio_original FAILED || fail "the twin test did not fail"
grep -qF "print different lines" "$log" || fail "the twin test's failure does not say the outputs differ"
grep -qF "SKIP_TWINS=1" "$log" || fail "the twin test's failure does not mention SKIP_TWINS=1"
ok "the twin test fails: the lesson and its original.py print different lines; it names SKIP_TWINS=1"
for s in "$snapshot" "$trace"; do
  [[ -e $work/$s.new ]] || fail "cargo test left no $s.new for cargo insta review"
done
ok "cargo test left a .snap.new beside both snapshots for cargo insta review"

run INSTA_UPDATE=always cargo test -p lesson-01 --no-fail-fast || true
run git diff --stat -- "$lesson/" || fail "git diff failed"
for s in "$snapshot" "$trace"; do
  grep -qxF "$new" "$work/$s" || fail "INSTA_UPDATE=always did not write \"$new\" into $s"
  grep -qF "$s" "$log" || fail "git diff does not list $s"
done
ok "INSTA_UPDATE=always cargo test -p lesson-01 --no-fail-fast rewrote both snapshots; git diff shows them"

if run INSTA_UPDATE=no cargo test -p lesson-01 --no-fail-fast; then
  fail "INSTA_UPDATE=no cargo test -p lesson-01 passes while original.py still prints \"$old\""
fi
reported output_matches_snapshot ok || fail "the output snapshot test fails after it was accepted"
reported trace_matches_snapshot ok || fail "the trace snapshot test fails after it was accepted"
reported output_matches_the_asyncio_original FAILED || fail "the twin test passes, but it should not"
ok "INSTA_UPDATE=no cargo test -p lesson-01: the snapshots pass, only the twin test fails"

run SKIP_TWINS=1 INSTA_UPDATE=no cargo test -p lesson-01 ||
  fail "SKIP_TWINS=1 INSTA_UPDATE=no cargo test -p lesson-01 fails: SKIP_TWINS does not skip the twin"
ok "SKIP_TWINS=1 INSTA_UPDATE=no cargo test -p lesson-01 passes"

sed -i "s/print(\"$old\")/print(\"$new\")/" "$work/$lesson/original.py"
run python3 "$lesson/original.py" || fail "python3 $lesson/original.py failed"
grep -qxF "$new" "$log" || fail "original.py does not print \"$new\" after the same change"
ok "python3 $lesson/original.py prints the new line"
run INSTA_UPDATE=no cargo test -p lesson-01 ||
  fail "INSTA_UPDATE=no cargo test -p lesson-01 fails with original.py changed the same way"
ok "INSTA_UPDATE=no cargo test -p lesson-01 passes with original.py changed the same way"

run bash -c 'git checkout -q lessons/01-*/ && git status --porcelain' || fail "git checkout failed"
[[ ! -s $log ]] || fail "git checkout lessons/01-*/ left changes behind"
run INSTA_UPDATE=no cargo test -p lesson-01 || fail "lesson 01's tests fail after git checkout"
ok "git checkout lessons/01-*/ brings back the lesson; its tests pass"
