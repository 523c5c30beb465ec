#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (called by .ci/run; safe to run again).
# Each package is installed only when its binary is missing, so a developer machine is left alone.
set -euo pipefail
need=()
# Chromium drives the dashboard's browser tests; ClickHouse is the scale-out store's test server.
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v clickhouse-server >/dev/null 2>&1 || need+=(clickhouse-server clickhouse-client)
if [ "${#need[@]}" -gt 0 ] && [ "${CPI_SKIP_SYSTEM_DEPS:-}" != "1" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
