#!/usr/bin/env bash
# PostgreSQL, Redis and RabbitMQ on 127.0.0.1 for local development (Debian/Ubuntu, no Docker).
#
#   ./scripts/dev-services.sh start     install what is missing (apt), start what is not running
#   ./scripts/dev-services.sh status    which of them answer
#   ./scripts/dev-services.sh stop      stop only what `start` started (remembered in $DEV_DIR/started)
#   ./scripts/dev-services.sh env       print the variables that point mysaaschat at them
#
# Then: eval "$(./scripts/dev-services.sh env)" && TARGET=chat ./run.sh
# State and logs: DEV_DIR (default ./.dev-services). Servers that already run are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV_DIR=${DEV_DIR:-$PWD/.dev-services}
STATE=$DEV_DIR/started

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf 'dev-services: %s\n' "$*"; }

pg_up() { pg_isready -h 127.0.0.1 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
rabbit_up() { rabbitmqctl -q ping >/dev/null 2>&1; }

install() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-contrib)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

remember() { mkdir -p "$DEV_DIR"; echo "$1" >>"$STATE"; }

start() {
  install
  mkdir -p "$DEV_DIR"
  if pg_up; then say "postgresql already running"; else
    local version
    version=$(pg_lsclusters -h | awk 'NR==1{print $1}')
    as_root pg_ctlcluster "$version" main start
    for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
    as_root su postgres -c "psql -q -c \"alter user postgres password 'postgres'\""
    remember "postgres:$version"; say "postgresql $version started on 127.0.0.1:5432 (postgres/postgres)"
  fi
  if redis_up; then say "redis already running"; else
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$DEV_DIR" \
      --pidfile "$DEV_DIR/redis.pid" --logfile "$DEV_DIR/redis.log" --save "" --appendonly no
    for _ in $(seq 1 30); do redis_up && break; sleep 0.2; done
    remember redis; say "redis started on 127.0.0.1:6379"
  fi
  # The database of `env`'s DATABASE_URL.
  if [ "$(PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc "select 1 from pg_database where datname = 'mysaaschat'")" != 1 ]; then
    PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qc 'create database mysaaschat' && say "database mysaaschat created"
  fi
  local conf=/etc/rabbitmq/rabbitmq-env.conf
  if ! grep -q '^NODENAME=rabbit@localhost' "$conf" 2>/dev/null; then
    as_root tee -a "$conf" >/dev/null <<'CONF'
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
export ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CONF
  fi
  if rabbit_up; then say "rabbitmq already running"; else
    as_root rabbitmq-server -detached >/dev/null 2>&1
    for _ in $(seq 1 60); do rabbit_up && break; sleep 1; done
    rabbitmqctl -q await_startup
    remember rabbitmq; say "rabbitmq started on 127.0.0.1:5672 (guest/guest)"
  fi
}

stop() {
  [ -f "$STATE" ] || { say "nothing was started by this script"; return 0; }
  local s
  while read -r s; do
    case "$s" in
      postgres:*) as_root pg_ctlcluster "${s#postgres:}" main stop && say "postgresql stopped" ;;
      redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1; say "redis stopped" ;;
      rabbitmq) rabbitmqctl -q stop >/dev/null 2>&1; say "rabbitmq stopped" ;;
    esac
  done <"$STATE"
  rm -f "$STATE"
}

status() {
  local rc=0
  if pg_up; then say "postgresql: up (127.0.0.1:5432)"; else say "postgresql: down"; rc=1; fi
  if redis_up; then say "redis: up (127.0.0.1:6379)"; else say "redis: down"; rc=1; fi
  if rabbit_up; then say "rabbitmq: up (127.0.0.1:5672)"; else say "rabbitmq: down"; rc=1; fi
  return $rc
}

env_vars() {
  cat <<'VARS'
export DATABASE_URL='postgres://postgres:postgres@127.0.0.1:5432/mysaaschat'
export REDIS_URL='redis://127.0.0.1:6379'
export RABBITMQ_URL='amqp://guest:guest@127.0.0.1:5672/'
export BIND_ADDRESS=127.0.0.1
VARS
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_vars ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
