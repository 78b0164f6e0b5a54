#!/usr/bin/env bash
# Runs every chartship test: installs what the tests need (idempotent), builds the workspace
# once in the release profile (the profile the tests use too, so nothing is built twice), then
# runs the unit, end-to-end and conformance tests. Exit status is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHARTSHIP_TESTINFRA=${CHARTSHIP_TESTINFRA:-$PWD/.testinfra}
bash tests/install-testinfra.sh
export PATH="$CHARTSHIP_TESTINFRA/bin:$PATH"
export HELM4_BIN="$CHARTSHIP_TESTINFRA/bin/helm4" HELM3_BIN="$CHARTSHIP_TESTINFRA/bin/helm3" \
  HELM39_BIN="$CHARTSHIP_TESTINFRA/bin/helm39"
# Tests must not pick up the developer's caches or credentials.
target=${CARGO_TARGET_DIR:-$PWD/target}
export CHARTSHIP_CACHE_DIR="$target/chartship-cache"
unset SOURCE_DATE_EPOCH CHARTSHIP_USERNAME CHARTSHIP_PASSWORD GITHUB_ACTIONS

echo "== format" >&2
cargo fmt --all --check
echo "== build (release)" >&2
cargo build --release --locked --workspace
# The end-to-end tests use the binary just built instead of building it again.
export CHARTSHIP_BIN="$target/release/chartship"
echo "== tests" >&2
cargo test --release --locked --workspace
echo "== gotemplate on wasm32-wasip2 (under the wasmtime CLI)" >&2
CARGO_TARGET_WASM32_WASIP2_RUNNER="wasmtime run --dir=." \
  cargo test --release --locked -p gotemplate --target wasm32-wasip2
echo "== gotemplate conformance" >&2
# The vectors are reference material beside the checkout (../shared), present on this project's
# machines and CI; a GitHub runner has no copy, so only there is a missing file not an error.
conformance=${CHARTSHIP_CONFORMANCE:-../shared/conformance/go-text-template.jsonl}
if [ -f "$conformance" ]; then
  cargo run --release --locked -q -p gotemplate --example conformance -- "$conformance"
elif [ "${CI:-}" = true ] && [ "${GITHUB_ACTIONS:-}" != true ]; then
  echo "missing $conformance (shared/ must sit beside the checkout)" >&2; exit 1
else
  echo "skipping the conformance vectors: $conformance not found" >&2
fi
