#!/usr/bin/env bash
# npm test: type-check, unit and integration tests (vitest, real Prometheus), production build, and
# end-to-end tests in Debian Chromium (Playwright) against `next start`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus chromium redis
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n=== %s ===\n' "$*"; }

step "type-check"
npx tsc --noEmit -p .

step "unit and integration tests (vitest)"
npx vitest run

step "production build"
npx next build
npx tsx scripts/build-size.ts  # Amplify: SSR build output ≤ 220 MB
npx tsx scripts/amplify-check.ts  # amplify.yml's own commands in a clean copy of HEAD, and their output's size

step "end-to-end tests (Playwright, Chromium)"
npx playwright test
