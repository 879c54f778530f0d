#!/usr/bin/env bash
# Debian packages the tests need: headless Chromium (browser tests) and shellcheck (the
# monitoring and deployment scripts). Installs only what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v shellcheck > /dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: run 'sudo apt-get install -y ${missing[*]}'" >&2
  exit 1
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
