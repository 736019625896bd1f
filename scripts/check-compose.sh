#!/usr/bin/env bash
# Validates docker-compose.yml (Compose Specification schema + our topology) without a Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json
node dist/scripts/check-compose.js
