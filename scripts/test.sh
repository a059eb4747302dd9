#!/usr/bin/env bash
# Installs what the tests need (scripts/setup.sh) and runs every test vmxml has:
# formatting, clippy, the core and cli tests (unit, corpus, oracle against real libvirt,
# property), the release build of the app, and the browser tests (e2e/, headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/tools/node_modules/.bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test (core, cli and app: unit, corpus, oracle, property)"
VMXML_REQUIRE_ORACLE=1 cargo test --locked -p vmxml-core -p vmxml-cli -p vmxml-app -- --nocapture 2>&1 \
  | grep -vE '^test .* \.\.\. ok$' 

step "cargo test (vendor/send_wrapper: the owner check still holds off wasm)"
cargo test --manifest-path vendor/send_wrapper/Cargo.toml --features futures --target-dir target/vendor 2>&1 \
  | grep -vE '^test .* \.\.\. ok$'

step "trunk build --release"
trunk build --release
scripts/size-report.sh

step "browser tests (node --test e2e/, Debian's headless Chromium against dist/)"
node --test e2e/

echo
echo "All tests passed."
