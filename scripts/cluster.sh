#!/bin/bash
# The reference multi-node deployment, on one machine for trying it out:
# PostgreSQL primary + a streaming replica, an S3-compatible media store
# (s3rver), N hao nodes, and HAProxy in front. Everything on loopback.
#
#   scripts/cluster.sh up [DIR] [NODES]   start it (DIR default /tmp/hao-cluster, NODES default 2)
#   scripts/cluster.sh down [DIR]         stop everything it started (by PID) and remove DIR
#
# Ports: HAProxy 127.0.0.1:8090; nodes 8091..; PostgreSQL 15440 (primary)
# and 15441 (replica); s3rver 14570. Override with HAO_CLUSTER_PORT_BASE
# (HAProxy at BASE, nodes BASE+1..).
#
# In production each piece is its own machine: the nodes are identical and
# stateless (their data dirs hold only hao.conf and a media cache), the
# replica is a hot standby (promote it with pg_ctl promote and point
# hao.conf at it), and the bucket is whatever S3-compatible store you run.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-}
dir=${2:-/tmp/hao-cluster}
nodes=${3:-2}
base=${HAO_CLUSTER_PORT_BASE:-8090}
pg1=15440 pg2=15441 s3=14570
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# From /: the postgres user may not enter the caller's (root-only) directory.
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

up() {
  [ -e "$dir" ] && { echo "cluster: $dir exists; run: $0 down $dir" >&2; exit 1; }
  [ -x build/hao ] || make --no-print-directory build/hao
  command -v haproxy >/dev/null || { echo "cluster: installing haproxy" >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null; }
  [ -x tests/s3/node_modules/.bin/s3rver ] || (cd tests/s3 && npm install --no-audit --no-fund --silent)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"

  echo "cluster: PostgreSQL primary on $pg1" >&2
  as_pg "$bin/initdb" -D "$dir/pg-primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  cat >>"$dir/pg-primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg1
unix_socket_directories = '$dir'
wal_level = replica
max_wal_senders = 4
max_connections = 300
CONF
  echo "host replication postgres 127.0.0.1/32 trust" >>"$dir/pg-primary/pg_hba.conf"
  as_pg "$bin/pg_ctl" -D "$dir/pg-primary" -l "$dir/pg-primary.log" -w start >/dev/null
  psql "postgresql://postgres@127.0.0.1:$pg1/postgres" -qc "CREATE DATABASE hao" >/dev/null

  echo "cluster: streaming replica on $pg2" >&2
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$pg1" -U postgres -D "$dir/pg-replica" -R -X stream -c fast >/dev/null
  sed -i "s/^port = $pg1/port = $pg2/" "$dir/pg-replica/postgresql.conf"
  as_pg "$bin/pg_ctl" -D "$dir/pg-replica" -l "$dir/pg-replica.log" -w start >/dev/null

  echo "cluster: S3-compatible store on $s3" >&2
  mkdir -p "$dir/s3"
  tests/s3/node_modules/.bin/s3rver -d "$dir/s3" -a 127.0.0.1 -p "$s3" -s --configure-bucket hao >"$dir/s3.log" 2>&1 &
  echo $! >"$dir/s3.pid"
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$s3/" && break; sleep 0.2; done

  local servers=""
  for i in $(seq 1 "$nodes"); do
    local port=$((base + i)) d="$dir/node$i"
    mkdir -p "$d"
    cat >"$d/hao.conf" <<CONF
database = postgresql://postgres@127.0.0.1:$pg1/hao
media = s3
s3_endpoint = http://127.0.0.1:$s3
s3_bucket = hao
s3_access_key = S3RVER
s3_secret_key = S3RVER
trusted_proxies = 127.0.0.1
CONF
    build/hao serve --data "$d" --listen "127.0.0.1:$port" >"$d/log" 2>&1 &
    echo $! >"$d/pid"
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    echo "cluster: hao node $i on $port" >&2
    servers="$servers    server node$i 127.0.0.1:$port check inter 1s
"
  done

  cat >"$dir/haproxy.cfg" <<CONF
global
    maxconn 4096
    pidfile $dir/haproxy.pid
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    option http-keep-alive
    # the client's address for the nodes' throttling and logs (trusted_proxies)
    option forwardfor
frontend hao
    bind 127.0.0.1:$base
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
$servers
CONF
  haproxy -D -f "$dir/haproxy.cfg"
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$base/healthz" >/dev/null && break; sleep 0.1; done
  echo "cluster: up. Site: http://127.0.0.1:$base/   (first admin: build/hao user add NAME --role admin --data $dir/node1)" >&2
  echo "http://127.0.0.1:$base"
}

down() {
  [ -d "$dir" ] || exit 0
  [ -f "$dir/haproxy.pid" ] && kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
  for p in "$dir"/node*/pid "$dir/s3.pid"; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  for pg in pg-replica pg-primary; do
    [ -f "$dir/$pg/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/$pg" -m fast -w stop >/dev/null 2>&1 || true
  done
  sleep 0.5
  rm -rf "$dir"
  echo "cluster: down" >&2
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up [DIR] [NODES] | down [DIR]" >&2; exit 2 ;;
esac
