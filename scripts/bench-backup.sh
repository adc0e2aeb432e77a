#!/usr/bin/env bash
# Benchmark of the backup pipeline (not a test): loads ≥ 200 MB into a real etcd (3.4, and 3.5 if installed), then
# times `etcdctl snapshot save` against our snapshot to .tar.zst and prints the ratios the backup issue sets as goals.
# Usage: scripts/bench-backup.sh [--size-mb N] [--rounds N] [--level N] [--workers N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product BackupBenchmark >&2
exec "$(swift build -c release --show-bin-path)/BackupBenchmark" run "$@"
