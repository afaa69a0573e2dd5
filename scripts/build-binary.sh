#!/usr/bin/env bash
# `npm run build:binary [-- OUTFILE [BUN-BUILD-FLAGS...]]`: the `edgeproc` bin (src/cli/edgeproc.ts) and Bun in
# one executable, dist-bin/edgeproc by default, for containers (docs/container.md). It serves on Bun's own server
# and needs no node_modules; at run time only /bin/sh, sed, sleep and /proc. BUILD_BYTECODE=0 leaves out the
# bytecode (a cold start about 2.5 times as long: scripts/bench/binary-cold-start.ts).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/dist-bin/edgeproc}"
shift || true
bun="$here/node_modules/.bin/bun"
[ -x "$bun" ] || bun="bun"
mkdir -p "$(dirname "$out")"
# Bytecode spares parsing the whole bundle at every start; it needs ESM for the entry's top-level await.
bytecode=(--bytecode --format=esm)
[ "${BUILD_BYTECODE:-1}" = 0 ] && bytecode=()
# A compiled Bun program loads .env and bunfig.toml from its working directory by default: in a project's
# directory that would put the project's .env into the server's environment and every command's, so neither is read.
exec "$bun" build --compile --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
  ${bytecode[@]+"${bytecode[@]}"} "$@" \
  "$here/src/cli/edgeproc.ts" --outfile "$out"
