#!/usr/bin/env bash
# One-time set-up on a fresh Debian 12 machine (idempotent): a WebGPU adapter, Chromium for the
# browser test, and the npm packages.
# Without a GPU driver, WebGPU runs on Mesa's software Vulkan (lavapipe); Dawn needs Mesa >= 24, which
# Debian 12 has in its bookworm-backports suite. The suite entry is copied from the existing Debian
# source entry, so no mirror is named here.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

mesa_version=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo 0)
if command -v apt-get >/dev/null && ! dpkg --compare-versions "$mesa_version" ge 24; then
  echo "setup: installing Mesa software Vulkan (lavapipe) from bookworm-backports"
  src=/etc/apt/sources.list.d/debian.sources
  dst=/etc/apt/sources.list.d/backports.sources
  if [ ! -f "$dst" ] && [ -f "$src" ]; then
    awk 'BEGIN{RS="";ORS="\n\n"} /Suites:[^\n]*bookworm-updates/ {sub(/Suites:[^\n]*/,"Suites: bookworm-backports"); print}' "$src" | as_root tee "$dst" >/dev/null
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
fi

# The browser test drives Debian's Chromium (it ships SwiftShader, so WebGPU works without a GPU).
if command -v apt-get >/dev/null && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium for the browser test"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d node_modules/webgpu ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
