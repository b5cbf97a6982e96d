#!/usr/bin/env bash
# The oldest Rust this workspace supports: the `rust-version` of the root Cargo.toml.
#
# Checks every package and target, the bench included, with that toolchain (installing it if
# it is missing) on the versions pinned in Cargo.lock. `.ci/msrv.sh --test` also runs the
# tests with it: from cold that takes about four minutes on two cores, so it is not the default.
set -euo pipefail
cd "$(dirname "$0")/.."

msrv=$(sed -n 's/^rust-version = "\([0-9.]*\)"$/\1/p' Cargo.toml | head -n 1)
if [[ -z "$msrv" ]]; then
  echo "msrv.sh: no rust-version in Cargo.toml" >&2
  exit 1
fi

if ! rustup run "$msrv" rustc --version >/dev/null 2>&1; then
  rustup toolchain install "$msrv" --profile minimal
fi

# Its own target directory: an older compiler cannot reuse the newer one's artifacts.
export CARGO_TARGET_DIR=target/msrv

echo "msrv.sh: Rust $msrv: cargo check --workspace --all-targets"
cargo +"$msrv" check --locked --workspace --all-targets

if [[ "${1:-}" == "--test" ]]; then
  # Lesson 09 checks that the book shows rustc's warning for a forgotten `.await` word for
  # word; rustc words that note differently before 1.91, so that one check is left out.
  skipped=rustc_warns_about_a_forgotten_await_with_the_text_the_book_shows
  echo "msrv.sh: Rust $msrv: cargo test (skipping $skipped: it needs rustc 1.91's wording)"
  # The Pin chapter's refusals likewise: rustc 1.85 draws some spans differently. Their error
  # codes and headlines are still checked, by rustc_refuses_the_pin_snippets_with_the_errors_the_book_names.
  pin_text=rustc_refuses_the_pin_snippets_with_the_text_the_book_shows
  echo "msrv.sh: Rust $msrv: also skipping $pin_text: it needs a newer rustc's wording"
  INSTA_UPDATE=no cargo +"$msrv" test --locked -- --skip "$skipped" --skip "$pin_text"
fi
