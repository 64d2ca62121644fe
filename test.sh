#!/usr/bin/env bash
# Runs every test of My-SaaS-Chat against real servers on 127.0.0.1.
# Installs what is missing (Debian packages, npm tools), starts PostgreSQL, Redis and RabbitMQ unless
# they already answer, runs all test projects, stops only what it started, and ends with
# one line: "N passed, N failed, N skipped". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
RUN_DIR=${TEST_RUN_DIR:-$ROOT/.test-run}
RESULTS=$RUN_DIR/results
mkdir -p "$RUN_DIR"
rm -rf "$RESULTS"
STARTED=()
log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-contrib)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
  command -v nginx >/dev/null || missing+=(nginx)
  command -v npm >/dev/null || missing+=(nodejs npm)
  command -v chromium >/dev/null || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_node_tools() {
  if [ -f tests/tools/package.json ] && [ ! -d tests/tools/node_modules ]; then
    log "installing npm test tools"
    (cd tests/tools && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

start_postgres() {
  if pg_isready -h 127.0.0.1 -q 2>/dev/null; then return; fi
  local version
  version=$(pg_lsclusters -h | awk 'NR==1{print $1}')
  as_root pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 0.5; done
  STARTED+=("postgres:$version")
  su postgres -c "psql -q -c \"alter user postgres password 'postgres'\"" >/dev/null
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
  mkdir -p "$RUN_DIR/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$RUN_DIR/redis" \
    --pidfile "$RUN_DIR/redis/redis.pid" --logfile "$RUN_DIR/redis/redis.log" --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done
  STARTED+=("redis")
}

start_rabbitmq() {
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
  if rabbitmqctl -q ping >/dev/null 2>&1; then return; fi
  as_root rabbitmq-server -detached >/dev/null 2>&1
  # -detached returns before the node registers: wait for it to answer, then for the app to boot.
  for _ in $(seq 1 60); do rabbitmqctl -q ping >/dev/null 2>&1 && break; sleep 1; done
  rabbitmqctl -q await_startup >/dev/null
  STARTED+=("rabbitmq")
}

cleanup() {
  for s in "${STARTED[@]}"; do
    case "$s" in
      postgres:*) as_root pg_ctlcluster "${s#postgres:}" main stop >/dev/null 2>&1 || true ;;
      redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true ;;
      rabbitmq) rabbitmqctl -q stop >/dev/null 2>&1 || true ;;
    esac
  done
}
trap cleanup EXIT

install_packages
install_node_tools
start_postgres
start_redis
start_rabbitmq
log "servers up: postgres, redis, rabbitmq"

export TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres"
export TEST_REDIS_URL="redis://127.0.0.1:6379"
export TEST_RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log "building"
if ! dotnet build MySaasChat.slnx -c Release -nologo -v q -clp:ErrorsOnly; then
  log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log "running tests"
dotnet test MySaasChat.slnx -c Release --no-build -nologo -v q \
  --logger "trx;LogFilePrefix=results" --results-directory "$RESULTS" \
  --blame-hang-timeout 10m "$@"
test_exit=$?

passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${t:-0} - ${x:-0}))
done
# The deployment files (compose, nginx, prometheus, backups) are checked by a script of their own.
log "checking deployment files"
deploy_out=$(bash tests/deploy/run.sh 2>&1)
deploy_exit=$?
printf '%s\n' "$deploy_out" | tail -40 >&2
read -r dp df < <(printf '%s\n' "$deploy_out" | sed -n 's/^deploy: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' | tail -1)
passed=$((passed + ${dp:-0})); failed=$((failed + ${df:-0}))
if [ "$deploy_exit" -ne 0 ] && [ "${df:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner failed without a failing test (a crash or a hang): count it
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
