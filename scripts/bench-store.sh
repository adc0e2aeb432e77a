#!/usr/bin/env bash
# Benchmark (not a test): a backup into an S3-compatible store (SeaweedFS on loopback) against
# `etcdctl snapshot save` + `curl --aws-sigv4 -T` of the saved file, on a ≥ 200 MB db. Release build.
# Usage: scripts/bench-store.sh [--size-mb N] [--rounds N] [--encrypt]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product BackupBenchmark >&2
exec "$(swift build -c release --show-bin-path)/BackupBenchmark" store "$@"
