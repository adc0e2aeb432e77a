#!/usr/bin/env bash
# Sets up this machine (once), builds, and runs etcd-mesos on local Mesos: an embedded master and agents on
# 127.0.0.2, 127.0.0.3, … with a 3-member etcd cluster and backups every 5 minutes under ./etcd-mesos-work, and the
# admin API on 127.0.0.1:23400 with its token in ./etcd-mesos-work/admin-token.
# Extra arguments go to the scheduler (e.g. -cluster-size=5). Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v etcd >/dev/null || ! pkg-config --exists libarchive libzstd 2>/dev/null \
    || [ ! -e /usr/include/zookeeper/zookeeper.h ]; then
    scripts/setup.sh
fi
swift build --product etcd-mesos-executor
swift build --product etcd-mesos-scheduler

work="${ETCD_MESOS_WORK:-$PWD/etcd-mesos-work}"
mkdir -p "$work"
# The scheduler creates its admin token in $work/admin-token (mode 0600) at the first start and reuses it.
echo "admin API: http://127.0.0.1:23400 (POSTs and backups need -H \"Authorization: Bearer \$(cat $work/admin-token)\")" >&2
exec .build/debug/etcd-mesos-scheduler \
    -master=local \
    -cluster-size=3 \
    -work-dir="$work" \
    -framework-persist-file="$work/state.json" \
    -executor-bin="$PWD/.build/debug/etcd-mesos-executor" \
    -etcd-bin="$(command -v etcd)" \
    -etcdctl-bin="$(command -v etcdctl)" \
    -backup-dir="$work/backups" \
    -backup-interval=5m \
    -log_dir="$work/logs" \
    "$@"
