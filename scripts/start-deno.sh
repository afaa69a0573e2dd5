#!/usr/bin/env bash
# Runs edgeproc under `deno serve`, which needs --port and --host before the script: this takes them (and PORT,
# EDGEPROC_HOST) from our flags and passes every other flag to the script.
set -euo pipefail
port="${PORT:-${EDGEPROC_PORT:-7070}}"
host="${EDGEPROC_HOST:-127.0.0.1}"
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#*=}"; shift ;;
    --host) host="$2"; shift 2 ;;
    --host=*) host="${1#*=}"; shift ;;
    *) rest+=("$1"); shift ;;
  esac
done
here="$(cd "$(dirname "$0")/.." && pwd)"
deno="$here/node_modules/.bin/deno"
[ -x "$deno" ] || deno="deno"
export EDGEPROC_HOST="$host"
# `deno serve --host ::1` reads the colons as a port: an IPv6 address goes in brackets.
serve_host="$host"
case "$host" in *:*) case "$host" in \[*) ;; *) serve_host="[$host]" ;; esac ;; esac
exec "$deno" serve -A --quiet --config "$here/deno.json" --port "$port" --host "$serve_host" "$here/src/cli/deno.ts" ${rest[@]+"${rest[@]}"}
