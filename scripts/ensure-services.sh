#!/usr/bin/env bash
# Makes sure the Debian packages the tests use are installed and that PostgreSQL (trust auth on
# 127.0.0.1:5432) and NATS with JetStream (127.0.0.1:4222) are running. Idempotent.
set -euo pipefail

pg_port="${VIGIL_PG_PORT:-5432}"
nats_port="${VIGIL_NATS_PORT:-4222}"

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v ps >/dev/null 2>&1 || missing+=(procps)
# The launch attack tests compile their payloads (shared libraries) at test time.
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v iconv >/dev/null 2>&1 || missing+=(libc-bin)
# The web console's browser test drives Debian's headless Chromium (playwright-core brings no browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

port_open() { (echo > "/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

wait_for_port() {
  for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.2; done
  echo "port $1 did not open" >&2
  return 1
}

if ! port_open "$pg_port"; then
  echo "== starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # The tests connect as postgres without a password over loopback, as on the provided machines.
  grep -q '^host all postgres 127.0.0.1/32 trust' "$hba" || sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for_port "$pg_port"
fi

if ! port_open "$nats_port"; then
  echo "== starting NATS with JetStream"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p "$nats_port" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_for_port "$nats_port"
fi
echo "== PostgreSQL on 127.0.0.1:$pg_port and NATS on 127.0.0.1:$nats_port are up"
