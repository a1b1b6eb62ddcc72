#!/usr/bin/env bash
# npm run demo [-- --k8s-version 1.24|1.28|1.30|1.35] [--incident KIND] [--seed N] [--scale N] [--single]
# KIND: list-storm (default), apf-saturation, etcd-slow, webhook-slow, watch-surge, asymmetric, healthy
# Starts a real Prometheus loaded with the API-server incident scenario, keeps it scraping the live
# scenario exporter, and serves the dashboard on http://127.0.0.1:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus
export NEXT_TELEMETRY_DISABLED=1
exec node --import tsx demo/launch.ts "$@"
