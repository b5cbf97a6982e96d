#!/usr/bin/env bash
# The exercises: every grader can fail. For each exercise, `cargo course verify` builds the
# starting point and the solution (`--features solution`), grades both in virtual time, and
# requires the starting point to run to the end and FAIL its grader, and the solution to
# PASS it; the same for the asyncio versions (exercise.py, solution/exercise.py), every one
# of which must run here (--require-python). Then clippy on the solutions, which the
# workspace's clippy never builds (they need the feature).
#
#     .ci/exercises.sh [ID...]        (default: every exercise)
#
# Exits 0 with one line per program graded and a summary; 1 on any defect (a grader that
# passes its starting point, a solution that fails, a program that does not compile), with
# the verdict that shows it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "exercises: cargo course verify --require-python $*"
cargo course verify --require-python "$@"

# Every exercise package, with its solution feature.
packages=()
features=()
for manifest in exercises/*/Cargo.toml; do
  name=$(sed -n 's/^name = "\(exercise-[0-9a-z]*\)"$/\1/p' "$manifest" | head -n 1)
  packages+=(-p "$name")
  features+=("$name/solution")
done
echo
echo "exercises: clippy on ${#features[@]} starting points and solutions"
cargo clippy "${packages[@]}" --all-targets --features "$(IFS=,; echo "${features[*]}")" -- -D warnings
echo "exercises: ok"
