#!/usr/bin/env bash
# Backs up My-SaaS-Chat's data into one timestamped gzip archive and ships it to S3.
#
#   backup.sh              one backup now (docker-compose -f docker-compose.prod.yml exec backup-service /backup.sh)
#   backup.sh --daemon     one backup every day at BACKUP_TIME (UTC, default 03:00); backup-service runs this
#
# What is backed up:
#   PostgreSQL (DATABASE_URL, or POSTGRES_HOST/PORT/USER/PASSWORD/DB): pg_dump of the database, every
#     module schema, as SQL that restore.sh replays (--clean --if-exists --no-owner).
#   otherwise single-server mode: every SQLite database under DATA_DIR (copied with sqlite3 .backup, a
#     consistent snapshot while the program runs) and the other files there (uploads, local mail).
# Archive: $BACKUP_DIR/mysaaschat-YYYYMMDDTHHMMSSZ.tar.gz (manifest.txt + postgres.sql or sqlite/ + files/).
# S3: when BACKUP_S3_BUCKET is set, uploaded to s3://$BACKUP_S3_BUCKET/backups/ with the aws CLI
#   (--sse AES256 unless BACKUP_S3_SSE=none; --endpoint-url $S3_ENDPOINT when set).
# Retention: archives older than BACKUP_RETENTION_DAYS (default 30, by the time in their name) are
#   deleted locally and in S3.
# Status for Prometheus: METRICS_DIR/mysaaschat_backup.prom (node-exporter textfile collector).
# Exit: 0 on success; non-zero when the dump, the archive or the upload failed.
set -euo pipefail

BACKUP_DIR=${BACKUP_DIR:-/backups}
PG_DBNAME=
DATA_DIR=${DATA_DIR:-./data}
RETENTION_DAYS=${BACKUP_RETENTION_DAYS:-30}
S3_PREFIX=${BACKUP_S3_PREFIX:-backups/}
SSE=${BACKUP_S3_SSE:-AES256}

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

aws_s3() {
  local args=()
  [ -n "${S3_ENDPOINT:-}" ] && args+=(--endpoint-url "$S3_ENDPOINT")
  [ -n "${AWS_REGION:-}" ] && args+=(--region "$AWS_REGION")
  aws "${args[@]}" s3 "$@"
}

# Sets PG* variables from DATABASE_URL (postgres:// URL or Npgsql key=value string) or POSTGRES_*.
# Prints nothing; returns 1 when no PostgreSQL is configured (single-server SQLite mode).
pg_configure() {
  local url=${DATABASE_URL:-}
  if [ -n "$url" ]; then
    case "$url" in
      sqlite*|Sqlite*|SQLite*) return 1 ;;
      postgres://*|postgresql://*)
        # libpq rejects options it does not know; the program's own "schema" option is one.
        url=$(printf '%s' "$url" | sed -E 's/([?&])schema=[^&]*&?/\1/; s/[?&]$//')
        PG_DBNAME=$url # libpq expands a URL given as --dbname, not in PGDATABASE
        return 0 ;;
      *)
        local pair key value
        IFS=';' read -ra pairs <<<"$url"
        for pair in "${pairs[@]}"; do
          key=$(printf '%s' "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')
          value=${pair#*=}
          case "$key" in
            host|server) export PGHOST=$value ;;
            port) export PGPORT=$value ;;
            username|user|userid|"user id") export PGUSER=$value ;;
            password) export PGPASSWORD=$value ;;
            database|db) export PGDATABASE=$value ;;
            sslmode|"ssl mode") PGSSLMODE=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]'); export PGSSLMODE ;;
          esac
        done
        [ -n "${PGHOST:-}" ] || die "DATABASE_URL has no Host"
        return 0 ;;
    esac
  fi
  [ -n "${POSTGRES_HOST:-}" ] || return 1
  export PGHOST=$POSTGRES_HOST PGPORT=${POSTGRES_PORT:-5432} PGUSER=${POSTGRES_USER:-postgres} \
    PGDATABASE=${POSTGRES_DB:-mysaaschat}
  [ -n "${POSTGRES_PASSWORD:-}" ] && export PGPASSWORD=$POSTGRES_PASSWORD
  return 0
}

write_status() {
  local ok=$1 size=${2:-0} seconds=${3:-0}
  [ -n "${METRICS_DIR:-}" ] || return 0
  mkdir -p "$METRICS_DIR" || return 0
  local file=$METRICS_DIR/mysaaschat_backup.prom last_ok
  last_ok=$(sed -n 's/^mysaaschat_backup_last_success_timestamp_seconds \(.*\)$/\1/p' "$file" 2>/dev/null || true)
  [ "$ok" = 1 ] && last_ok=$(date +%s)
  {
    echo "# HELP mysaaschat_backup_last_run_success 1 when the last backup succeeded."
    echo "# TYPE mysaaschat_backup_last_run_success gauge"
    echo "mysaaschat_backup_last_run_success $ok"
    echo "# HELP mysaaschat_backup_last_run_timestamp_seconds When the last backup ran."
    echo "# TYPE mysaaschat_backup_last_run_timestamp_seconds gauge"
    echo "mysaaschat_backup_last_run_timestamp_seconds $(date +%s)"
    if [ -n "$last_ok" ]; then
      echo "# HELP mysaaschat_backup_last_success_timestamp_seconds When a backup last succeeded."
      echo "# TYPE mysaaschat_backup_last_success_timestamp_seconds gauge"
      echo "mysaaschat_backup_last_success_timestamp_seconds $last_ok"
    fi
    echo "# HELP mysaaschat_backup_last_size_bytes Size of the last archive."
    echo "# TYPE mysaaschat_backup_last_size_bytes gauge"
    echo "mysaaschat_backup_last_size_bytes $size"
    echo "# HELP mysaaschat_backup_last_duration_seconds Duration of the last backup."
    echo "# TYPE mysaaschat_backup_last_duration_seconds gauge"
    echo "mysaaschat_backup_last_duration_seconds $seconds"
  } >"$file.tmp" 2>/dev/null && mv "$file.tmp" "$file" || log "warning: cannot write $file"
}

# Epoch seconds of the timestamp in an archive name (mysaaschat-20250101T030000Z.tar.gz), or nothing.
name_epoch() {
  local ts
  ts=$(printf '%s' "$1" | sed -nE 's/.*mysaaschat-([0-9]{8})T([0-9]{2})([0-9]{2})([0-9]{2})Z\.tar\.gz$/\1 \2:\3:\4/p')
  [ -n "$ts" ] && date -u -d "$ts" +%s 2>/dev/null
}

prune() {
  local cutoff file name epoch
  cutoff=$(( $(date +%s) - RETENTION_DAYS * 86400 ))
  for file in "$BACKUP_DIR"/mysaaschat-*.tar.gz; do
    [ -e "$file" ] || continue
    epoch=$(name_epoch "$file") || continue
    if [ "$epoch" -lt "$cutoff" ]; then
      rm -f -- "$file"
      log "deleted local $(basename "$file") (older than $RETENTION_DAYS days)"
    fi
  done
  if [ -n "${BACKUP_S3_BUCKET:-}" ]; then
    { aws_s3 ls "s3://$BACKUP_S3_BUCKET/$S3_PREFIX" || true; } | awk '{print $NF}' | while read -r name; do
      epoch=$(name_epoch "$name") || continue
      if [ "$epoch" -lt "$cutoff" ]; then
        aws_s3 rm --only-show-errors "s3://$BACKUP_S3_BUCKET/$S3_PREFIX$name"
        log "deleted s3://$BACKUP_S3_BUCKET/$S3_PREFIX$name (older than $RETENTION_DAYS days)"
      fi
    done
  fi
}

backup_once() {
  local started archive mode size
  # name and work stay global: the EXIT trap reads them after this function returns.
  started=$(date +%s)
  name=mysaaschat-$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$BACKUP_DIR"
  work=$(mktemp -d "$BACKUP_DIR/.work.XXXXXX")
  trap 'rm -rf "${work:-}" "$BACKUP_DIR/${name:-none}.tar.gz.partial"' EXIT # runs in its own subshell: see run_once
  mkdir -p "$work/$name"

  if pg_configure; then
    mode=postgres
    command -v pg_dump >/dev/null || die "pg_dump not found (install postgresql-client)"
    log "dumping PostgreSQL ${PGHOST:-(from DATABASE_URL)}"
    pg_dump --clean --if-exists --no-owner --no-privileges --format=plain \
      --file="$work/$name/postgres.sql" ${PG_DBNAME:+"--dbname=$PG_DBNAME"} || die "pg_dump failed"
  else
    mode=sqlite
    [ -d "$DATA_DIR" ] || die "DATA_DIR $DATA_DIR does not exist (and no DATABASE_URL/POSTGRES_HOST is set)"
    mkdir -p "$work/$name/sqlite" "$work/$name/files"
    local db count=0
    for db in "$DATA_DIR"/*.db; do
      [ -e "$db" ] || continue
      if command -v sqlite3 >/dev/null; then
        sqlite3 "$db" ".timeout 10000" ".backup '$work/$name/sqlite/$(basename "$db")'" || die "sqlite3 .backup of $db failed"
      else
        cp -- "$db" "$work/$name/sqlite/"
        for extra in "$db-wal" "$db-shm"; do [ -e "$extra" ] && cp -- "$extra" "$work/$name/sqlite/"; done
      fi
      count=$((count + 1))
    done
    # Everything else under DATA_DIR (uploads, mail, the local JWT key), without the live database files.
    tar -C "$DATA_DIR" --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' --exclude='*.db-journal' \
      -cf - . | tar -C "$work/$name/files" -xf -
    log "copied $count SQLite database(s) from $DATA_DIR"
  fi

  {
    echo "name=$name"
    echo "mode=$mode"
    echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host=$(hostname)"
  } >"$work/$name/manifest.txt"

  archive=$BACKUP_DIR/$name.tar.gz
  tar -C "$work" -czf "$archive.partial" "$name" || die "archive failed"
  mv "$archive.partial" "$archive"
  size=$(stat -c %s "$archive")
  log "created $archive ($size bytes, $mode)"

  if [ -n "${BACKUP_S3_BUCKET:-}" ]; then
    command -v aws >/dev/null || die "aws CLI not found; cannot upload to s3://$BACKUP_S3_BUCKET"
    local sse=()
    [ "$SSE" != none ] && sse=(--sse "$SSE")
    aws_s3 cp --only-show-errors "${sse[@]}" "$archive" "s3://$BACKUP_S3_BUCKET/$S3_PREFIX$name.tar.gz" \
      || die "upload to s3://$BACKUP_S3_BUCKET/$S3_PREFIX failed"
    log "uploaded to s3://$BACKUP_S3_BUCKET/$S3_PREFIX$name.tar.gz"
  else
    log "BACKUP_S3_BUCKET is not set: kept locally only"
  fi

  prune
  write_status 1 "$size" $(( $(date +%s) - started ))
  echo "$archive"
}

# One backup in a subshell with errexit on; the result goes to RC. Never call this in an `if`, `||`
# or `&&`: bash would switch errexit off inside the whole backup.
RC=0
run_once() {
  set +e
  (set -e; backup_once)
  RC=$?
  set -e
  [ "$RC" -eq 0 ] || write_status 0
}

seconds_until() {
  local at=$1 now next
  now=$(date -u +%s)
  next=$(date -u -d "today $at" +%s) || die "BACKUP_TIME '$at' is not HH:MM"
  [ "$next" -le "$now" ] && next=$(date -u -d "tomorrow $at" +%s)
  echo $((next - now))
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --daemon)
    at=${BACKUP_TIME:-03:00}
    log "daily backups at $at UTC into $BACKUP_DIR${BACKUP_S3_BUCKET:+ and s3://$BACKUP_S3_BUCKET/$S3_PREFIX}"
    trap 'exit 0' TERM INT
    while :; do
      wait_s=$(seconds_until "$at")
      log "next backup in $wait_s s"
      sleep "$wait_s" & wait $!
      run_once >/dev/null
      [ "$RC" -eq 0 ] || log "backup failed; next attempt tomorrow"
    done ;;
  "")
    run_once
    exit "$RC" ;;
  *) usage >&2; exit 64 ;;
esac
