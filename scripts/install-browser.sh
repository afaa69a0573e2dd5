#!/usr/bin/env bash
# Optional: Debian's headless Chromium for test/e2e/browser-page.test.ts (a real page on another origin attacks the
# server). Installs it with apt when this is a Debian-like machine and we are root; otherwise says why not and
# succeeds, and that one test is skipped.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then echo "install:browser: /usr/bin/chromium is there"; exit 0; fi
if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
  echo "install:browser: no apt-get as root here; the Chromium page test will be skipped"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq chromium >/dev/null; then
  echo "install:browser: installed $(/usr/bin/chromium --version 2>/dev/null)"
else
  echo "install:browser: apt-get could not install chromium; the Chromium page test will be skipped"
fi
exit 0
