#!/usr/bin/env bash
# Installs what apiscope's demo and tests need and is missing, or says exactly what to install.
# Usage: scripts/ensure-deps.sh [prometheus] [chromium] [redis]
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "apiscope: installing npm dependencies (npm ci)…" >&2
    local log
    log=$(mktemp)
    if ! npm ci --no-audit --no-fund >"$log" 2>&1; then
      grep -v 'Unknown user config "nodedir"' "$log" >&2 || true
      echo "apiscope: npm ci failed (output above)" >&2
      exit 1
    fi
    rm -f "$log"
  fi
}

apt_install() {
  # $@: Debian packages
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "apiscope: installing $* with apt-get…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "$@" >&2
  else
    return 1
  fi
}

need_prometheus() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then return; fi
  apt_install prometheus && return
  cat >&2 <<'MSG'
apiscope: Prometheus (the `prometheus` and `promtool` binaries) is required and was not found.
  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends prometheus
  macOS:          brew install prometheus
  elsewhere:      put prometheus and promtool (2.42 or newer) on PATH
Then run the command again.
MSG
  exit 1
}

need_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return; fi
  apt_install chromium fonts-dejavu-core && return
  cat >&2 <<'MSG'
apiscope: the end-to-end tests drive Debian's Chromium and it was not found at /usr/bin/chromium.
  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends chromium
  elsewhere:      set CHROMIUM_PATH=/path/to/chromium
MSG
  exit 1
}

need_redis() {
  # The shared-cache tests start a real redis-server (test-support/redis.ts); apiscope itself only needs one
  # when APISCOPE_CACHE_URL is set.
  if command -v "${REDIS_SERVER_BIN:-redis-server}" >/dev/null 2>&1; then return; fi
  apt_install redis-server && return
  cat >&2 <<'MSG'
apiscope: the shared-cache tests need a Redis server (`redis-server`) and it was not found.
  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends redis-server
  macOS:          brew install redis
  elsewhere:      put redis-server on PATH, or set REDIS_SERVER_BIN=/path/to/redis-server
Then run the command again.
MSG
  exit 1
}

need_node_modules
for what in "$@"; do
  case "$what" in
    prometheus) need_prometheus ;;
    chromium) need_chromium ;;
    redis) need_redis ;;
    *) echo "ensure-deps: unknown dependency $what" >&2; exit 2 ;;
  esac
done
