#!/usr/bin/env bash
# Installs what vmxml needs (scripts/setup.sh), builds the app and serves it on
# http://127.0.0.1:8080 (rebuilding on change). The app itself is static files in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/tools/node_modules/.bin:$PATH"
# No autoreload: its websocket would be a network request the app itself never makes.
exec trunk serve --release --no-autoreload --address 127.0.0.1 --port 8080
