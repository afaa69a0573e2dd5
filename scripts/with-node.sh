#!/usr/bin/env bash
# Runs a command with Node.js MAJOR (22 or 24, from tools/node, which `npm install` installs) first on PATH, so the
# command and every `node` it starts run on it: `bash scripts/with-node.sh 24 npm run start:node`. The system's
# Node 20 is the engines floor; npm test runs the end-to-end and contract suites on these too (test:node24).
set -euo pipefail
major="${1:?usage: with-node.sh MAJOR COMMAND [ARGS...]}"
shift
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/tools/node/node_modules/node$major/bin"
if [ ! -x "$bin/node" ]; then
  echo "with-node.sh: Cannot run on Node.js $major: no tools/node/node_modules/node$major/bin/node" \
    "(npm install installs it on Linux x64; tools/node/package.json pins the versions)" >&2
  exit 1
fi
version="$("$bin/node" --version)"
case "$version" in
  "v$major".*) ;;
  *) echo "with-node.sh: tools/node/node_modules/node$major/bin/node is $version, not Node.js $major" >&2; exit 1 ;;
esac
export PATH="$bin:$PATH"
exec "$@"
