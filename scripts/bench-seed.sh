#!/usr/bin/env bash
# Benchmark (not a test): seed a 3-member cluster on local Mesos from a ≥ 200 MB backup after total loss, and
# in the same run a plain `etcdctl snapshot restore` of the same snapshot plus one member start.
# Also times one restore drill of that backup (POST /backups/<id>/drill).
# Usage: scripts/bench-seed.sh [MB]   (builds the release binaries; BIN=.build/debug to use a debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-200}
if [ -z "${BIN:-}" ]; then
    swift build -c release >&2
    BIN=$(swift build -c release --show-bin-path)
fi
BIN=$(cd "$BIN" && pwd)
WORK=$(mktemp -d /tmp/bench-seed.XXXXXX)
ADMIN=23480
ARTIFACT=12380
SCHED_PID=""
ETCD_PID=""
cleanup() {
    [ -n "$SCHED_PID" ] && kill "$SCHED_PID" 2>/dev/null && wait "$SCHED_PID" 2>/dev/null || true
    [ -n "$ETCD_PID" ] && kill "$ETCD_PID" 2>/dev/null && wait "$ETCD_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

start_scheduler() {
    "$BIN/etcd-mesos-scheduler" -master=local -cluster-size=3 -work-dir="$WORK/w" \
        -framework-persist-file="$WORK/w/state.json" -executor-bin="$BIN/etcd-mesos-executor" \
        -etcd-bin="$(command -v etcd)" -etcdctl-bin="$(command -v etcdctl)" -admin-port=$ADMIN \
        -artifact-port=$ARTIFACT -backup-dir="$WORK/backups" -backup-interval=0 -restore-drill-interval=0 -chill=1s \
        -sandbox-cpu-limit=0.5 -sandbox-mem-limit=1024 -sandbox-disk-limit=2048 "$@" >>"$WORK/scheduler.log" 2>&1 &
    SCHED_PID=$!
}
auth() { echo "Authorization: Bearer $(cat "$WORK/w/admin-token")"; }
stat() { curl -s "localhost:$ADMIN/stats" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1',''))" 2>/dev/null || true; }
wait_healthy() {
    for _ in $(seq 1 600); do
        [ "$(stat running_servers)" = "3" ] && [ "$(stat healthy)" = "1" ] && return 0
        if ! kill -0 "$SCHED_PID" 2>/dev/null; then
            wait "$SCHED_PID" && code=0 || code=$?
            echo "the scheduler exited with status $code"; tail -20 "$WORK/scheduler.log"; exit 1
        fi
        sleep 0.2
    done
    echo "timed out waiting for 3 healthy members"; tail -20 "$WORK/scheduler.log"; exit 1
}
now() { date +%s.%N; }

start_scheduler
wait_healthy
EP=$(curl -s "localhost:$ADMIN/members" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['clientURL'])")
echo "loading ${MB} MB into $EP …"
head -c 100000 /dev/urandom | base64 -w0 > "$WORK/value"
seq 1 $((MB * 10)) | xargs -P 4 -I{} sh -c "ETCDCTL_API=3 etcdctl --endpoints=$EP put /bench/{} < $WORK/value >/dev/null"
ID=$(curl -s -X POST -H "$(auth)" "localhost:$ADMIN/backups" | python3 -c "import json,sys; m=json.load(sys.stdin); print(m['id']); print(m['db_size'], file=sys.stderr)" 2>"$WORK/dbsize")
echo "backup $ID, db $(( $(cat "$WORK/dbsize") / 1000000 )) MB"
d0=$(now)
DRILL=$(curl -s -X POST -H "$(auth)" "localhost:$ADMIN/backups/$ID/drill" | python3 -c "import json,sys; d=json.load(sys.stdin)['drill']; print(d['passed'], d.get('keys'))")
d1=$(now)
echo "restore drill of $ID: $(python3 -c "print(f'{$d1-$d0:.1f}')") s (passed, keys: $DRILL)"

kill "$SCHED_PID"; wait "$SCHED_PID" || true; SCHED_PID=""   # local Mesos and every member go with it
t0=$(now)
start_scheduler -restore-from="$ID"
wait_healthy
t1=$(now)
SEED=$(python3 -c "print(f'{$t1-$t0:.1f}')")
kill "$SCHED_PID"; wait "$SCHED_PID" || true; SCHED_PID=""

# The same snapshot with etcd's own tools: extract, `etcdctl snapshot restore`, start one member until it answers.
mkdir -p "$WORK/plain"
tar --zstd -xf "$WORK/backups/$ID.tar.zst" -C "$WORK/plain" snapshot.db
t2=$(now)
ETCDCTL_API=3 etcdctl snapshot restore "$WORK/plain/snapshot.db" --data-dir "$WORK/plain/data" \
    --name m1 --initial-cluster m1=http://127.0.0.1:23481 --initial-advertise-peer-urls http://127.0.0.1:23481 >/dev/null 2>&1
etcd --name m1 --data-dir "$WORK/plain/data" --listen-peer-urls http://127.0.0.1:23481 \
    --listen-client-urls http://127.0.0.1:23482 --advertise-client-urls http://127.0.0.1:23482 >"$WORK/plain/etcd.log" 2>&1 &
ETCD_PID=$!
until ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:23482 endpoint health >/dev/null 2>&1; do sleep 0.1; done
t3=$(now)
PLAIN=$(python3 -c "print(f'{$t3-$t2:.1f}')")
echo "seed from the backup to 3 healthy members (scheduler start included): ${SEED} s"
echo "plain etcdctl snapshot restore + one member healthy:               ${PLAIN} s"
echo "ratio (seed ÷ plain): $(python3 -c "print(f'{$SEED/$PLAIN:.2f}')")"
