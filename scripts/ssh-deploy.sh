#!/usr/bin/env bash
# Deploys an image tag to a server over SSH (used by .github/workflows/deploy.yml; also by hand).
#   SSH_KEY=... HOST=... USER=... IMAGE=ghcr.io/you/my-saas-chat TAG=v1.0.0 REF=<git sha> ./scripts/ssh-deploy.sh
# On the server (a clone of the repository in DEPLOY_PATH, default ~/my-saas-chat, with its .env):
# checks out REF, pulls the images, starts the data stores, applies migrations with the new image
# (mysaaschat migrate --target all), starts everything, and runs scripts/health-check.sh.
set -euo pipefail
: "${SSH_KEY:?}" "${HOST:?}" "${USER:?}" "${IMAGE:?}" "${TAG:?}" "${REF:?}"
DEPLOY_PATH=${DEPLOY_PATH:-my-saas-chat}

install -m 700 -d ~/.ssh
key=$(mktemp)
trap 'rm -f "$key"' EXIT
printf '%s\n' "$SSH_KEY" >"$key"
chmod 600 "$key"
ssh-keyscan -H "$HOST" >>~/.ssh/known_hosts 2>/dev/null
image=$(printf '%s' "$IMAGE" | tr '[:upper:]' '[:lower:]')

ssh -i "$key" -o BatchMode=yes "$USER@$HOST" \
  "IMAGE='$image' TAG='$TAG' REF='$REF' DEPLOY_PATH='$DEPLOY_PATH' bash -s" <<'REMOTE'
set -euo pipefail
cd "$DEPLOY_PATH"
git fetch --quiet --tags origin
git checkout --quiet "$REF"
export MYSAASCHAT_IMAGE="$IMAGE:$TAG" MYSAASCHAT_BACKUP_IMAGE="$IMAGE-backup:$TAG"
if command -v docker-compose >/dev/null; then compose=(docker-compose -f docker-compose.prod.yml)
else compose=(docker compose -f docker-compose.prod.yml); fi
"${compose[@]}" pull --quiet auth-service backup-service
"${compose[@]}" up -d postgres redis mongodb clickhouse rabbitmq
# Migrations with the new image before the new code serves (= npx prisma migrate deploy per service).
"${compose[@]}" run --rm --no-deps auth-service migrate --target all
"${compose[@]}" up -d --remove-orphans
for i in $(seq 1 30); do ./scripts/health-check.sh >/dev/null 2>&1 && break; sleep 5; done
./scripts/health-check.sh
REMOTE
