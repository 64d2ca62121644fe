#!/usr/bin/env bash
# Lists and restores My-SaaS-Chat backups made by backup.sh.
#
#   restore.sh -l               list backups: local ($BACKUP_DIR) and S3 (s3://$BACKUP_S3_BUCKET/backups/)
#   restore.sh [-y] NAME        restore NAME (mysaaschat-YYYYMMDDTHHMMSSZ, with or without .tar.gz),
#                               downloaded from S3 when it is not in $BACKUP_DIR. -y: do not ask.
#   restore.sh [-y] latest      restore the newest backup (local or S3)
#
# Restoring REPLACES the current data:
#   PostgreSQL archive: the dump is replayed into DATABASE_URL / POSTGRES_* (it drops and recreates the
#     tables it contains). Stop the app services first:
#       docker-compose -f docker-compose.prod.yml stop auth-service chat-service billing-service \
#         analytics-service notifications-service orchestrator-service
#   SQLite archive (single-server mode): the databases and files are written back into DATA_DIR.
#     Stop `mysaaschat serve` first.
# Then start the services again; they check the schema at start-up.
#
# On a Docker host (the checklist's `./scripts/restore.sh -l`), the script runs itself inside the
# backup-service container, which holds the backups volume, the credentials and pg_dump/psql/aws.
# Set RESTORE_IN_DOCKER=no to run it here instead.
set -euo pipefail

BACKUP_DIR=${BACKUP_DIR:-/backups}
PG_DBNAME=
DATA_DIR=${DATA_DIR:-./data}
S3_PREFIX=${BACKUP_S3_PREFIX:-backups/}

log() { printf 'restore: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

aws_s3() {
  local args=()
  [ -n "${S3_ENDPOINT:-}" ] && args+=(--endpoint-url "$S3_ENDPOINT")
  [ -n "${AWS_REGION:-}" ] && args+=(--region "$AWS_REGION")
  aws "${args[@]}" s3 "$@"
}

# On the Docker host: hand over to the backup-service container.
maybe_in_docker() {
  [ "${RESTORE_IN_DOCKER:-auto}" != no ] || return 0
  [ ! -f /.dockerenv ] || return 0
  local root compose=()
  root=$(cd "$(dirname "$0")/.." && pwd)
  [ -f "$root/docker-compose.prod.yml" ] || return 0
  if command -v docker-compose >/dev/null; then compose=(docker-compose)
  elif docker compose version >/dev/null 2>&1; then compose=(docker compose)
  else return 0; fi
  compose+=(-f "$root/docker-compose.prod.yml" --project-directory "$root")
  local id
  id=$("${compose[@]}" ps -q backup-service 2>/dev/null || true)
  if [ -n "$id" ]; then
    log "running inside the backup-service container"
    local tty=(-T)
    [ -t 0 ] && tty=()
    exec "${compose[@]}" exec "${tty[@]}" backup-service /restore.sh "$@"
  fi
  [ "${RESTORE_IN_DOCKER:-auto}" = yes ] && die "backup-service is not running (docker-compose -f docker-compose.prod.yml up -d backup-service)"
  return 0
}

list_backups() {
  echo "Local backups in $BACKUP_DIR:"
  local found=0 f
  for f in "$BACKUP_DIR"/mysaaschat-*.tar.gz; do
    [ -e "$f" ] || continue
    found=1
    printf '  %-40s %10s bytes  %s\n' "$(basename "$f" .tar.gz)" "$(stat -c %s "$f")" "$(date -u -r "$f" +%Y-%m-%dT%H:%M:%SZ)"
  done
  [ "$found" = 1 ] || echo "  (none)"
  if [ -n "${BACKUP_S3_BUCKET:-}" ]; then
    echo "S3 backups in s3://$BACKUP_S3_BUCKET/$S3_PREFIX:"
    command -v aws >/dev/null || { echo "  (aws CLI not installed)"; return 0; }
    local listing
    if ! listing=$(aws_s3 ls "s3://$BACKUP_S3_BUCKET/$S3_PREFIX" 2>&1); then
      # `aws s3 ls` fails on an empty prefix as well as on errors: tell them apart by the message.
      if [ -n "$listing" ]; then echo "  (cannot list: $listing)"; return 1; fi
    fi
    printf '%s\n' "$listing" | awk '$NF ~ /^mysaaschat-.*\.tar\.gz$/ { name=$NF; sub(/\.tar\.gz$/, "", name); printf "  %-40s %10s bytes  %sT%sZ\n", name, $3, $1, $2; n++ } END { if (!n) print "  (none)" }'
  else
    echo "S3: BACKUP_S3_BUCKET is not set"
  fi
}

newest() {
  {
    ls "$BACKUP_DIR" 2>/dev/null || true
    if [ -n "${BACKUP_S3_BUCKET:-}" ] && command -v aws >/dev/null; then
      { aws_s3 ls "s3://$BACKUP_S3_BUCKET/$S3_PREFIX" 2>/dev/null || true; } | awk '{print $NF}'
    fi
  } | grep -E '^mysaaschat-[0-9]{8}T[0-9]{6}Z\.tar\.gz$' | sort | tail -1 | sed 's/\.tar\.gz$//'
}

restore() {
  local name=$1 yes=$2 archive
  work= # global: the EXIT trap reads it after this function returns
  name=${name%.tar.gz}
  case "$name" in mysaaschat-*) ;; *) die "'$name' is not a backup name (mysaaschat-YYYYMMDDTHHMMSSZ); list them with -l" ;; esac
  archive=$BACKUP_DIR/$name.tar.gz
  if [ ! -f "$archive" ]; then
    [ -n "${BACKUP_S3_BUCKET:-}" ] || die "$archive not found and BACKUP_S3_BUCKET is not set"
    mkdir -p "$BACKUP_DIR"
    log "downloading s3://$BACKUP_S3_BUCKET/$S3_PREFIX$name.tar.gz"
    aws_s3 cp --only-show-errors "s3://$BACKUP_S3_BUCKET/$S3_PREFIX$name.tar.gz" "$archive.partial" \
      || { rm -f "$archive.partial"; die "$name is neither in $BACKUP_DIR nor in s3://$BACKUP_S3_BUCKET/$S3_PREFIX"; }
    mv "$archive.partial" "$archive"
  fi
  work=$(mktemp -d)
  trap 'rm -rf "${work:-}"' EXIT
  tar -C "$work" -xzf "$archive" || die "$archive is not a readable archive"
  [ -f "$work/$name/manifest.txt" ] || die "$archive has no manifest.txt: not made by backup.sh"
  local mode
  mode=$(sed -n 's/^mode=//p' "$work/$name/manifest.txt")

  case "$mode" in
    postgres)
      pg_configure_from_env || die "the archive is a PostgreSQL dump but neither DATABASE_URL nor POSTGRES_HOST is set"
      local target
      if [ -n "$PG_DBNAME" ]; then target=$(printf '%s' "$PG_DBNAME" | sed -E 's#//([^:@/]*):[^@/]*@#//\1:***@#')
      else target="database ${PGDATABASE:-} on ${PGHOST:-}:${PGPORT:-5432}"; fi
      confirm "$yes" "replace the PostgreSQL data of $target with $name"
      command -v psql >/dev/null || die "psql not found (install postgresql-client)"
      psql -X -q -v ON_ERROR_STOP=1 ${PG_DBNAME:+"--dbname=$PG_DBNAME"} -f "$work/$name/postgres.sql" >/dev/null || die "psql failed replaying the dump"
      ;;
    sqlite)
      confirm "$yes" "replace the SQLite databases and files in $DATA_DIR with $name"
      mkdir -p "$DATA_DIR"
      local db
      for db in "$work/$name"/sqlite/*.db; do
        [ -e "$db" ] || continue
        rm -f -- "$DATA_DIR/$(basename "$db")-wal" "$DATA_DIR/$(basename "$db")-shm" "$DATA_DIR/$(basename "$db")-journal"
        cp -- "$db" "$DATA_DIR/"
      done
      for extra in "$work/$name"/sqlite/*.db-wal "$work/$name"/sqlite/*.db-shm; do
        [ -e "$extra" ] && cp -- "$extra" "$DATA_DIR/"
      done
      tar -C "$work/$name/files" -cf - . | tar -C "$DATA_DIR" -xf -
      ;;
    *) die "unknown backup mode '$mode' in $archive" ;;
  esac
  log "restored $name ($mode)"
}

confirm() {
  local yes=$1 what=$2 answer
  [ "$yes" = 1 ] && return 0
  [ -t 0 ] || die "refusing to $what without confirmation: pass -y"
  read -r -p "This will $what. Type yes to continue: " answer
  [ "$answer" = yes ] || die "cancelled"
}

# The same DATABASE_URL / POSTGRES_* reading as backup.sh.
pg_configure_from_env() {
  local url=${DATABASE_URL:-}
  if [ -n "$url" ]; then
    case "$url" in
      sqlite*|Sqlite*|SQLite*) return 1 ;;
      postgres://*|postgresql://*)
        PG_DBNAME=$(printf '%s' "$url" | sed -E 's/([?&])schema=[^&]*&?/\1/; s/[?&]$//') # libpq expands a URL given as --dbname
        return 0 ;;
      *)
        local pair key value pairs
        IFS=';' read -ra pairs <<<"$url"
        for pair in "${pairs[@]}"; do
          key=$(printf '%s' "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')
          value=${pair#*=}
          case "$key" in
            host|server) export PGHOST=$value ;;
            port) export PGPORT=$value ;;
            username|user|userid) export PGUSER=$value ;;
            password) export PGPASSWORD=$value ;;
            database|db) export PGDATABASE=$value ;;
            sslmode) PGSSLMODE=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]'); export PGSSLMODE ;;
          esac
        done
        return 0 ;;
    esac
  fi
  [ -n "${POSTGRES_HOST:-}" ] || return 1
  export PGHOST=$POSTGRES_HOST PGPORT=${POSTGRES_PORT:-5432} PGUSER=${POSTGRES_USER:-postgres} \
    PGDATABASE=${POSTGRES_DB:-mysaaschat}
  [ -z "${POSTGRES_PASSWORD:-}" ] || export PGPASSWORD=$POSTGRES_PASSWORD
  return 0
}

maybe_in_docker "$@"

yes=0 list=0 name=
while [ $# -gt 0 ]; do
  case "$1" in
    -l|--list) list=1 ;;
    -y|--yes) yes=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; exit 64 ;;
    *) [ -z "$name" ] || { usage >&2; exit 64; }; name=$1 ;;
  esac
  shift
done

if [ "$list" = 1 ]; then
  list_backups
  exit $?
fi
[ -n "$name" ] || { usage >&2; exit 64; }
if [ "$name" = latest ]; then
  name=$(newest)
  [ -n "$name" ] || die "no backups found"
  log "latest backup: $name"
fi
restore "$name" "$yes"
