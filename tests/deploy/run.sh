#!/usr/bin/env bash
# Tests of the deployment files (no Docker engine needed): every check runs something for real.
#   tests/deploy/run.sh            (from anywhere; KEEP_WORK=1 keeps the temp folder for inspection)
# Needs (Debian packages, installed when missing): nginx, prometheus (promtool), prometheus-alertmanager
# (amtool), docker-compose (`config` needs no daemon), sqlite3, postgresql-client, awscli, shellcheck;
# plus python3 with PyYAML, openssl, curl, node/npm (s3rver from tests/deploy/package.json, echo
# backends) and dotnet. kubectl is used when present (`kubectl kustomize`), else that check is skipped.
# Uses the PostgreSQL, Redis and RabbitMQ of test.sh when they answer on 127.0.0.1 (else skips those parts).
# Ends with one line: "deploy: N passed, N failed". Exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/deploy
WORK=$(mktemp -d /tmp/deploy-tests.XXXXXX)
chmod 755 "$WORK" # nginx workers (nobody) read the ACME webroot under it
PASSED=0 FAILED=0 SKIPPED=0
PIDS=() NGINX_DIRS=()

ok() { PASSED=$((PASSED + 1)); printf '  ok    %s\n' "$*"; }
bad() { FAILED=$((FAILED + 1)); printf '  FAIL  %s\n' "$1"; [ $# -gt 1 ] && printf '        %s\n' "${@:2}"; return 0; }
skip() { SKIPPED=$((SKIPPED + 1)); printf '  skip  %s\n' "$*"; }
section() { printf '\n== %s\n' "$*"; }
# check DESCRIPTION COMMAND...: passes when the command exits 0; shows its output on failure.
check() {
  local desc=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$desc"; else bad "$desc" "$(printf '%s' "$out" | tail -15)"; fi
}

cleanup() {
  local d p
  for d in "${NGINX_DIRS[@]}"; do
    [ -f "$d/nginx.pid" ] && nginx -s quit -c "$d/nginx.conf" -p "$d/" -e "$d/error.log" >/dev/null 2>&1
  done
  for p in "${PIDS[@]}"; do kill "$p" >/dev/null 2>&1; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" >/dev/null 2>&1; done
  if [ -n "${PG_TEST_DB:-}" ]; then
    PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc "drop database if exists $PG_TEST_DB" >/dev/null 2>&1
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # URL SECONDS
  for _ in $(seq 1 $(( $2 * 5 ))); do curl -s -o /dev/null --max-time 2 "$1" && return 0; sleep 0.2; done
  return 1
}

# ------------------------------------------------------------------------------ tools
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v promtool >/dev/null || missing+=(prometheus)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
command -v aws >/dev/null || missing+=(awscli)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  as_root apt-get update -qq >/dev/null 2>&1
  for pkg in "${missing[@]}"; do
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 \
      || echo "could not install $pkg" >&2
  done
fi
if [ ! -x "$HERE/node_modules/.bin/s3rver" ] && command -v npm >/dev/null; then
  (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) || echo "could not npm install s3rver" >&2
fi
PY=python3
python3 -c 'import yaml' 2>/dev/null || PY=/usr/bin/python3

# ------------------------------------------------------------------------------ scripts
section "scripts parse (bash -n / sh -n)"
for f in "$ROOT"/scripts/*.sh "$HERE/run.sh"; do
  check "bash -n ${f#"$ROOT"/}" bash -n "$f"
done
check "sh -n deploy/npx" sh -n "$ROOT/deploy/npx"
for f in "$ROOT"/scripts/*.sh "$ROOT/deploy/npx"; do
  [ -x "$f" ] && ok "${f#"$ROOT"/} is executable" || bad "${f#"$ROOT"/} is not executable"
done
if command -v shellcheck >/dev/null; then
  check "shellcheck scripts" shellcheck -S warning "$ROOT"/scripts/*.sh "$ROOT/deploy/npx" "$HERE/run.sh"
else
  skip "shellcheck (not installed)"
fi

# ------------------------------------------------------------------------------ .env.example
section ".env.example"
ENV_EXAMPLE=$ROOT/.env.example
REQUIRED_VARS="PORT DATA_DIR TARGET ASPNETCORE_ENVIRONMENT LOG_LEVEL BIND_ADDRESS DATABASE_URL POSTGRES_HOST
POSTGRES_PORT POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB MIGRATE_ON_START REDIS_URL REDIS_PASSWORD REDIS_KEY_PREFIX
RABBITMQ_URL RABBITMQ_DEFAULT_USER RABBITMQ_DEFAULT_PASS RABBITMQ_PREFIX CLICKHOUSE_URL CLICKHOUSE_USER
CLICKHOUSE_PASSWORD CLICKHOUSE_DB MONGODB_URL MONGO_INITDB_ROOT_USERNAME MONGO_INITDB_ROOT_PASSWORD JWT_SECRET
JWT_ISSUER JWT_AUDIENCE JWT_EXPIRY AUTH_SECRET REFRESH_TOKEN_SECRET REFRESH_TOKEN_EXPIRY PASSWORD_RESET_EXPIRY
REQUIRE_EMAIL_VERIFICATION MAX_LOGIN_ATTEMPTS ACCOUNT_LOCKOUT_DURATION ADMIN_EMAIL GOOGLE_CLIENT_ID
GOOGLE_CLIENT_SECRET GITHUB_CLIENT_ID GITHUB_CLIENT_SECRET OPENAI_API_KEY OPENAI_MODEL OPENAI_BASE_URL
ANTHROPIC_API_KEY ANTHROPIC_MODEL GOOGLE_API_KEY GOOGLE_MODEL PINECONE_API_KEY PINECONE_ENVIRONMENT PINECONE_INDEX
STRIPE_SECRET_KEY STRIPE_PUBLISHABLE_KEY STRIPE_WEBHOOK_SECRET STRIPE_PRICE_PRO STRIPE_PRICE_ENTERPRISE
FREE_MONTHLY_TOKEN_QUOTA PRO_MONTHLY_TOKEN_QUOTA ENTERPRISE_MONTHLY_TOKEN_QUOTA SMTP_HOST SMTP_PORT SMTP_SECURE
SMTP_USER SMTP_PASS SMTP_FROM SMTP_FROM_NAME FRONTEND_URL CORS_ORIGIN CORS_CREDENTIALS RATE_LIMIT_WINDOW_MS
RATE_LIMIT_MAX_REQUESTS MAX_REQUEST_BODY_SIZE TRUST_PROXY HSTS_MAX_AGE MAINTENANCE_MODE MAINTENANCE_ALLOWED_IPS
OTEL_EXPORTER_OTLP_ENDPOINT JAEGER_AGENT_HOST SENTRY_DSN AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
BACKUP_S3_BUCKET BACKUP_RETENTION_DAYS S3_ENDPOINT GRAFANA_ADMIN_PASSWORD"
defined=$(sed -nE 's/^([A-Z][A-Z0-9_]*)=.*/\1/p' "$ENV_EXAMPLE")
absent=()
for v in $REQUIRED_VARS; do grep -qx "$v" <<<"$defined" || absent+=("$v"); done
[ ${#absent[@]} -eq 0 ] && ok "defines all $(wc -w <<<"$REQUIRED_VARS") variables of the checklist and the platform issue" \
  || bad "variables missing from .env.example" "${absent[*]}"
# Every variable the program reads (Settings calls in src/) is documented.
read_by_code=$(grep -rhoE '(String|Int|Bool|Duration|Size|List|Required)\("[A-Z][A-Z0-9_]{2,}"' "$ROOT/src" 2>/dev/null \
  | sed -E 's/.*\("//; s/"$//' | sort -u)
absent=()
for v in $read_by_code; do grep -qx "$v" <<<"$defined" || absent+=("$v"); done
[ ${#absent[@]} -eq 0 ] && ok "documents every variable read in src/ ($(wc -w <<<"$read_by_code"))" \
  || bad "variables read in src/ but missing from .env.example" "${absent[*]}"
dups=$(sort <<<"$defined" | uniq -d | tr '\n' ' ')
[ -z "$dups" ] && ok "no variable defined twice" || bad "variables defined twice" "$dups"
# No secret has a value: secrets are generated by the operator (checklist phase 2/3).
leaked=$(grep -E '^[A-Z0-9_]*(SECRET|PASSWORD|_PASS|API_KEY|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SECRET_KEY|_DSN)=.+' "$ENV_EXAMPLE" || true)
[ -z "$leaked" ] && ok "every secret is empty (no default passwords)" || bad "secrets with values" "$leaked"
grep -qx 'PINECONE_INDEX=prompt-upgrader' "$ENV_EXAMPLE" && ok "PINECONE_INDEX=prompt-upgrader" || bad "PINECONE_INDEX is not prompt-upgrader"

# ------------------------------------------------------------------------------ build/publish (the Dockerfile's build stage)
section "Dockerfile"
DF=$ROOT/Dockerfile
grep -qE '^FROM mcr.microsoft.com/dotnet/sdk:\$\{DOTNET_VERSION\} AS build' "$DF" && grep -qE '^ARG DOTNET_VERSION=10.0' "$DF" \
  && grep -qE '^FROM mcr.microsoft.com/dotnet/aspnet:\$\{DOTNET_VERSION\} AS runtime' "$DF" \
  && ok "multi-stage: sdk 10.0 build, aspnet 10.0 runtime" || bad "Dockerfile stages are not sdk/aspnet 10.0"
grep -q '^ENTRYPOINT \["dotnet", "mysaaschat.dll"\]' "$DF" && grep -q '^CMD \["serve"\]' "$DF" \
  && ok 'ENTRYPOINT ["dotnet","mysaaschat.dll"] CMD ["serve"]' || bad "ENTRYPOINT/CMD"
grep -q 'CMD \["dotnet", "/app/mysaaschat.dll", "health"\]' "$DF" && ok "HEALTHCHECK runs mysaaschat health" || bad "HEALTHCHECK"
awk '/AS runtime/{r=1} /AS backup/{r=0} r && /^USER \$APP_UID/{u=1} END{exit !u}' "$DF" && ok "runtime runs as the non-root app user" || bad "runtime stage has no USER \$APP_UID"
# Every COPY source from the build context exists and is not excluded by .dockerignore.
copy_bad=()
while read -r src; do
  [ -e "$ROOT/$src" ] || { copy_bad+=("$src (missing)"); continue; }
  top=${src%%/*}
  grep -qxE "(/)?${src%/}/?|${top}/?" "$ROOT/.dockerignore" && copy_bad+=("$src (in .dockerignore)")
done < <(grep -E '^COPY ' "$DF" | grep -v -- '--from=' | sed -E 's/^COPY (--chmod=[0-9]+ )?//' | awk '{for (i=1;i<NF;i++) print $i}')
[ ${#copy_bad[@]} -eq 0 ] && ok "every COPY source exists and is in the build context" || bad "COPY sources" "${copy_bad[*]}"

DLL=
if command -v dotnet >/dev/null; then
  # --no-build reuses test.sh's Release build (and leaves bin/ alone); a fresh checkout builds.
  publish=(dotnet publish src/MySaasChat/MySaasChat.csproj -c Release -o "$WORK/publish" -p:UseAppHost=false -nologo -v q)
  if out=$(cd "$ROOT" && { "${publish[@]}" --no-build 2>&1 || "${publish[@]}" 2>&1; }); then
    if [ -f "$WORK/publish/mysaaschat.dll" ]; then ok "dotnet publish (the image's build step) gives /app/mysaaschat.dll"; DLL=$WORK/publish/mysaaschat.dll
    else bad "dotnet publish did not produce mysaaschat.dll"; fi
  else
    bad "dotnet publish failed" "$(tail -10 <<<"$out")"
  fi
else
  skip "dotnet not installed: publish and live program tests"
fi

# ------------------------------------------------------------------------------ npx shim
section "npx shim (npx prisma migrate deploy -> mysaaschat migrate)"
if [ -n "$DLL" ]; then
  out=$(MYSAASCHAT_DLL=$DLL TARGET=all DATA_DIR=$WORK/npx-data sh "$ROOT/deploy/npx" prisma migrate deploy 2>&1); rc=$?
  [ $rc -eq 0 ] && grep -q "migrations applied for target 'all'" <<<"$out" \
    && ok "npx prisma migrate deploy runs mysaaschat migrate (exit 0)" || bad "npx prisma migrate deploy (rc=$rc)" "$out"
  out=$(MYSAASCHAT_DLL=$DLL TARGET=all DATA_DIR=$WORK/npx-data sh "$ROOT/deploy/npx" -y prisma migrate deploy 2>&1); rc=$?
  [ $rc -eq 0 ] && ok "npx -y prisma migrate deploy works too" || bad "npx -y prisma migrate deploy (rc=$rc)" "$out"
  out=$(MYSAASCHAT_DLL=$DLL TARGET=chat DATA_DIR=$WORK/npx-data sh "$ROOT/deploy/npx" prisma migrate deploy 2>&1); rc=$?
  [ $rc -ne 0 ] && grep -q 'RABBITMQ_URL' <<<"$out" \
    && ok "migrate uses the container's TARGET (chat without a broker names RABBITMQ_URL, exit $rc)" || bad "npx with TARGET=chat (rc=$rc)" "$out"
else
  skip "npx migrate (no dotnet)"
fi
out=$(sh "$ROOT/deploy/npx" prisma db push 2>&1); rc=$?
[ $rc -eq 127 ] && grep -q "only 'npx prisma migrate deploy' is supported" <<<"$out" \
  && ok "npx refuses anything else with exit 127 and says why" || bad "npx prisma db push (rc=$rc)" "$out"

# ------------------------------------------------------------------------------ docker-compose
section "docker-compose (config needs no daemon)"
C=$WORK/compose
mkdir -p "$C"
cp -r "$ROOT/docker-compose.prod.yml" "$ROOT/docker-compose.yml" "$ROOT/Dockerfile" "$ROOT/nginx" "$ROOT/deploy" "$C/"
cp "$ROOT/.env.example" "$C/.env"
if command -v docker-compose >/dev/null; then
  check "docker-compose -f docker-compose.prod.yml config -q" bash -c "cd '$C' && docker-compose -f docker-compose.prod.yml config -q"
  check "docker-compose -f docker-compose.yml config -q (local, one container)" bash -c "cd '$C' && docker-compose -f docker-compose.yml config -q"
  services=$(cd "$C" && docker-compose config --services 2>&1 | sort | tr '\n' ' ')
  want="alertmanager analytics-service auth-service backup-service billing-service blackbox-exporter certbot chat-service clickhouse grafana jaeger mongodb nginx node-exporter notifications-service orchestrator-service postgres prometheus rabbitmq redis web-assets "
  [ "$services" = "$want" ] && ok "plain docker-compose (COMPOSE_FILE from .env) sees the production services" \
    || bad "docker-compose config --services with .env" "got:  $services" "want: $want"
  (cd "$C" && docker-compose -f docker-compose.prod.yml config >"$WORK/compose.resolved.yml" 2>&1)
  out=$($PY - "$WORK/compose.resolved.yml" <<'PY' 2>&1
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
errors = []
def need(cond, msg):
    if not cond: errors.append(msg)
ports = {"auth": 3001, "chat": 3002, "billing": 3003, "analytics": 3004, "notifications": 3005, "orchestrator": 3006}
def published(svc):
    out = []
    for p in s[svc].get("ports", []):
        if isinstance(p, dict): out.append((str(p.get("host_ip", "")), int(p.get("published")), int(p["target"])))
        else:
            parts = str(p).split(":")
            parts = [x.split("/")[0] for x in parts]
            out.append((parts[0] if len(parts) == 3 else "", int(parts[-2]), int(parts[-1])))
    return out
for t, port in ports.items():
    name = f"{t}-service"
    svc = s.get(name)
    if svc is None: errors.append(f"{name} missing"); continue
    need(svc.get("command") == ["serve", "--target", t], f"{name}: command {svc.get('command')}")
    env = svc.get("environment", {})
    need(env.get("TARGET") == t and str(env.get("PORT")) == str(port), f"{name}: TARGET/PORT {env}")
    need(("127.0.0.1", port, port) in published(name), f"{name}: not published on 127.0.0.1:{port}: {published(name)}")
    # config inlines env_file into environment: a value only .env sets proves it is loaded
    need(env.get("JWT_ISSUER") == "mysaaschat", f"{name}: .env not loaded (env_file)")
    need("health" in " ".join(svc.get("healthcheck", {}).get("test", [])), f"{name}: healthcheck {svc.get('healthcheck')}")
    dep = svc.get("depends_on", {})
    for d in ("postgres", "redis", "rabbitmq"):
        need(isinstance(dep, dict) and dep.get(d, {}).get("condition") == "service_healthy", f"{name}: depends_on {d} healthy")
    need(svc.get("image") == s["auth-service"].get("image"), f"{name}: not the same image as auth-service")
need("service_healthy" == s["analytics-service"]["depends_on"].get("clickhouse", {}).get("condition"), "analytics waits for clickhouse")
for d in ("postgres", "redis", "mongodb", "clickhouse", "rabbitmq", "backup-service"):
    need(d == "backup-service" or "healthcheck" in s[d], f"{d}: no healthcheck")
    need("JWT_SECRET" not in (s[d].get("environment") or {}), f"{d} receives the app's secrets")
need(s["postgres"]["environment"].get("POSTGRES_USER") == "mysaaschat", "postgres user from .env")
need(s["backup-service"]["environment"].get("BACKUP_S3_BUCKET") == "my-saas-chat-backups", "backup-service S3 bucket from .env")
need("management" in s["rabbitmq"]["image"], "rabbitmq image without management plugin")
need(any(p[1] == 15672 for p in published("rabbitmq")), "rabbitmq 15672 not published")
need({80, 443} <= {p[1] for p in published("nginx")}, "nginx 80/443")
nv = " ".join(str(v) for v in s["nginx"].get("volumes", []))
need("/etc/nginx/conf.d" in nv and "/var/www/certbot" in nv and "/etc/letsencrypt" in nv, f"nginx volumes {nv}")
cv = " ".join(str(v) for v in s["certbot"].get("volumes", []))
need("/var/www/certbot" in cv and "/etc/letsencrypt" in cv, f"certbot volumes {cv}")
need(any(p[1] == 16686 for p in published("jaeger")), "jaeger 16686")
need(s["jaeger"].get("environment", {}).get("COLLECTOR_OTLP_ENABLED") == "true", "jaeger OTLP")
need(any(p[1] == 9090 for p in published("prometheus")), "prometheus 9090")
need(any(p[1] == 3100 and p[2] == 3000 for p in published("grafana")), "grafana 3100")
b = s["backup-service"]
need(b.get("command") == ["/backup.sh", "--daemon"], f"backup-service command {b.get('command')}")
need(any("/backups" in str(v) for v in b.get("volumes", [])), "backup-service /backups volume")
if errors:
    print("\n".join(errors)); sys.exit(1)
print("ok")
PY
)
  [ $? -eq 0 ] && ok "services, ports, targets, health checks and depends_on match the checklist" || bad "compose contents" "$out"
else
  skip "docker-compose not installed"
fi
if docker compose version >/dev/null 2>&1; then
  check "docker compose (v2) config -q" bash -c "cd '$C' && docker compose -f docker-compose.prod.yml config -q"
fi

# ------------------------------------------------------------------------------ monitoring
section "Prometheus, Alertmanager, Grafana"
if command -v promtool >/dev/null; then
  check "promtool check config deploy/prometheus/prometheus.yml" promtool check config "$ROOT/deploy/prometheus/prometheus.yml"
  check "promtool check rules deploy/prometheus/alerts.yml" promtool check rules "$ROOT/deploy/prometheus/alerts.yml"
  check "promtool test rules (alerts fire when they should, not before)" bash -c "cd '$HERE' && promtool test rules alerts.test.yml"
  for a in ServiceDown HighErrorRate ServiceHighCpu HostHighCpu ServiceHighMemory HostHighMemory BackupFailed BackupMissing SslCertificateExpiresSoon; do
    grep -q "alert: $a\$" "$ROOT/deploy/prometheus/alerts.yml" || bad "alert $a missing"
  done
  ok "alerts for CPU, memory, service down, error rate, backups and SSL expiry exist"
  for t in auth-service:3001 chat-service:3002 billing-service:3003 analytics-service:3004 notifications-service:3005 orchestrator-service:3006; do
    grep -q "\"$t\"" "$ROOT/deploy/prometheus/prometheus.yml" || bad "prometheus does not scrape $t"
  done
  ok "prometheus scrapes the six services"
else
  skip "promtool (install Debian prometheus)"
fi
if command -v amtool >/dev/null; then
  check "amtool check-config deploy/alertmanager/alertmanager.yml" amtool check-config "$ROOT/deploy/alertmanager/alertmanager.yml"
else
  skip "amtool (Debian prometheus-alertmanager)"
fi
out=$($PY - "$ROOT/deploy/grafana" <<'PY' 2>&1
import sys, json, yaml, glob, os
g = sys.argv[1]
ds = yaml.safe_load(open(os.path.join(g, "provisioning/datasources/prometheus.yml")))
assert any(d["type"] == "prometheus" and d["url"] == "http://prometheus:9090" for d in ds["datasources"]), "no Prometheus data source"
prov = yaml.safe_load(open(os.path.join(g, "provisioning/dashboards/mysaaschat.yml")))
assert prov["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
dash = [json.load(open(f)) for f in glob.glob(os.path.join(g, "dashboards/*.json"))]
assert dash, "no dashboard"
exprs = " ".join(t["expr"] for d in dash for p in d["panels"] for t in p.get("targets", []))
for need in ("http_server_request_duration_seconds_count", 'http_response_status_code=~"5..', "histogram_quantile(0.95", "dotnet_process_memory_working_set_bytes"):
    assert need in exprs, f"dashboard lacks {need}"
print("ok")
PY
)
[ $? -eq 0 ] && ok "Grafana: Prometheus data source, dashboard with request rate, error rate, p95, memory" || bad "grafana provisioning" "$out"

# ------------------------------------------------------------------------------ kubernetes and CI
section "Kubernetes manifests and GitHub workflows"
out=$($PY - "$ROOT" <<'PY' 2>&1
import sys, os, yaml
root = sys.argv[1]
k = os.path.join(root, "deploy/kubernetes")
kust = yaml.safe_load(open(os.path.join(k, "kustomization.yaml")))
docs = []
for r in kust["resources"]:
    p = os.path.join(k, r)
    assert os.path.exists(p), f"kustomization lists missing {r}"
    docs += [d for d in yaml.safe_load_all(open(p)) if d]
for f in os.listdir(k):
    if f.endswith(".yaml") and f != "kustomization.yaml":
        assert f in kust["resources"], f"{f} not in kustomization.yaml"
kinds = {}
for d in docs:
    kinds.setdefault(d["kind"], []).append(d)
    assert d["kind"] == "Namespace" or d["metadata"].get("namespace", "mysaaschat") == "mysaaschat" or "namespace" in kust
ports = {"auth": 3001, "chat": 3002, "billing": 3003, "analytics": 3004, "notifications": 3005, "orchestrator": 3006}
deps = {d["metadata"]["name"]: d for d in kinds.get("Deployment", [])}
svcs = {d["metadata"]["name"]: d for d in kinds.get("Service", [])}
for t, port in ports.items():
    name = f"{t}-service"
    assert name in deps, f"no Deployment {name}"
    assert name in svcs, f"no Service {name}"
    c = deps[name]["spec"]["template"]["spec"]["containers"][0]
    assert c["args"] == ["serve", "--target", t], f"{name} args {c['args']}"
    assert any(p["containerPort"] == port for p in c["ports"]), f"{name} port"
    assert c["readinessProbe"]["httpGet"]["path"] == "/health/detailed" and c["livenessProbe"]["httpGet"]["path"] == "/health"
    assert deps[name]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert any(p["port"] == port for p in svcs[name]["spec"]["ports"]), f"{name} service port"
    assert svcs[name]["spec"]["selector"] == deps[name]["spec"]["selector"]["matchLabels"], f"{name} selector"
for kind in ("Namespace", "ConfigMap", "Secret", "Ingress", "HorizontalPodAutoscaler"):
    assert kind in kinds, f"no {kind}"
assert any(h["spec"]["scaleTargetRef"]["name"] == "chat-service" for h in kinds["HorizontalPodAutoscaler"]), "no HPA for chat"
ing = kinds["Ingress"][0]
paths = {p["path"]: p["backend"]["service"]["name"] for r in ing["spec"]["rules"] for p in r["http"]["paths"]}
for prefix, svc in {"/api/auth": "auth-service", "/api/chat": "chat-service", "/api/billing": "billing-service", "/api/analytics": "analytics-service", "/api/orchestrator": "orchestrator-service"}.items():
    assert paths.get(prefix) == svc, f"ingress {prefix} -> {paths.get(prefix)}"
for s in kinds["Secret"]:
    for key, v in (s.get("stringData") or {}).items():
        assert v in ("", None) or "CHANGE_ME" in str(v), f"secret {key} has a value"
w = os.path.join(root, ".github/workflows")
ci = yaml.safe_load(open(os.path.join(w, "ci.yml")))
assert "./test.sh" in str(ci), "ci.yml does not run ./test.sh"
dep = open(os.path.join(w, "deploy.yml")).read()
yaml.safe_load(dep)
for s in ("STAGING_SSH_KEY", "STAGING_HOST", "STAGING_USER", "PRODUCTION_SSH_KEY", "PRODUCTION_HOST", "PRODUCTION_USER", "SLACK_WEBHOOK"):
    assert f"secrets.{s}" in dep, f"deploy.yml does not use {s}"
for needle in ("trivy", "v*", "main"):
    assert needle in dep, f"deploy.yml lacks {needle}"
print("ok")
PY
)
[ $? -eq 0 ] && ok "kustomization: namespace, Deployment+Service per target, ConfigMap, Secret, Ingress, chat HPA; workflows" || bad "kubernetes/workflows" "$out"

if command -v kubectl >/dev/null; then
  out=$(kubectl kustomize "$ROOT/deploy/kubernetes" 2>&1); rc=$?
  n=$(grep -c '^kind:' <<<"$out"); ns=$(grep -c '^  namespace: mysaaschat$' <<<"$out")
  [ $rc -eq 0 ] && [ "$n" -eq 17 ] && [ "$ns" -eq 16 ] && ok "kubectl kustomize renders 17 objects, all in namespace mysaaschat" \
    || bad "kubectl kustomize (rc=$rc, $n objects, $ns namespaced)" "$(head -5 <<<"$out")"
else
  skip "kubectl kustomize (kubectl not installed)"
fi

# ------------------------------------------------------------------------------ live: program + nginx
section "nginx gateway (rendered for 127.0.0.1, real mysaaschat behind it)"
HTTP_PORT=$(free_port); HTTPS_PORT=$(free_port)
AUTH_PORT=$(free_port); CHAT_PORT=$(free_port); BILLING_PORT=$(free_port)
ANALYTICS_PORT=$(free_port); NOTIF_PORT=$(free_port); ORCH_PORT=$(free_port)
CERTS=$WORK/certs
mkdir -p "$CERTS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=api.yourdomain.com" \
  -keyout "$CERTS/privkey.pem" -out "$CERTS/fullchain.pem" >/dev/null 2>&1

# The web app as the web-assets service puts it in nginx's volume: the published wwwroot, as is.
WEBROOT=$WORK/webroot
mkdir -p "$WEBROOT"
if [ -n "${DLL:-}" ] && [ -d "$(dirname "$DLL")/wwwroot" ]; then
  cp -a "$(dirname "$DLL")/wwwroot/." "$WEBROOT/"
fi

# render_nginx DIR tls|http: the repository's nginx.conf + conf.d, with paths and upstreams for this machine.
render_nginx() {
  local d=$1 mode=$2
  mkdir -p "$d/certbot/.well-known/acme-challenge" "$d/temp"
  cp -r "$ROOT/nginx/." "$d/"
  sed -i -E "/^user /d; s|^pid .*|pid $d/nginx.pid;|; s|^error_log .*|error_log $d/error.log warn;|;
    s|^worker_processes .*|worker_processes 1;|; s|access_log /var/log/nginx/access.log|access_log $d/access.log|;
    s|include /etc/nginx/conf.d/\*.conf;|client_body_temp_path $d/temp/body; proxy_temp_path $d/temp/proxy; fastcgi_temp_path $d/temp/fastcgi; uwsgi_temp_path $d/temp/uwsgi; scgi_temp_path $d/temp/scgi;\n    include $d/conf.d/*.conf;|" "$d/nginx.conf"
  sed -i "1i daemon on;" "$d/nginx.conf"
  if [ "$mode" = tls ]; then sed -i -E 's/^#ssl# ?//' "$d/conf.d/api.conf"; fi
  sed -i -E "/listen \[::\]/d; s|listen 80 default_server;|listen 127.0.0.1:$HTTP_PORT default_server;|;
    s|listen 443 ssl http2 default_server;|listen 127.0.0.1:$HTTPS_PORT ssl http2 default_server;|;
    s|/etc/letsencrypt/live/api.yourdomain.com/|$CERTS/|; s|root /var/www/certbot;|root $d/certbot;|;
    s|include /etc/nginx/conf.d/api.locations;|include $d/conf.d/api.locations;|" "$d/conf.d/api.conf"
  sed -i -E "s|root /usr/share/nginx/html;|root $WEBROOT;|" "$d/conf.d/api.locations"
  sed -i -E "s|http://auth-service:3001|http://127.0.0.1:$AUTH_PORT|; s|http://chat-service:3002|http://127.0.0.1:$CHAT_PORT|;
    s|http://billing-service:3003|http://127.0.0.1:$BILLING_PORT|; s|http://analytics-service:3004|http://127.0.0.1:$ANALYTICS_PORT|;
    s|http://notifications-service:3005|http://127.0.0.1:$NOTIF_PORT|; s|http://orchestrator-service:3006|http://127.0.0.1:$ORCH_PORT|" "$d/conf.d/api.locations"
  echo token-for-test >"$d/certbot/.well-known/acme-challenge/test-token"
}
nginx_start() { nginx -c "$1/nginx.conf" -p "$1/" -e "$1/error.log" && NGINX_DIRS+=("$1"); }
nginx_stop() { nginx -s quit -c "$1/nginx.conf" -p "$1/" -e "$1/error.log" >/dev/null 2>&1; for _ in $(seq 1 25); do [ -f "$1/nginx.pid" ] || break; sleep 0.2; done; }
# header NAME FILE: values of a response header (one per line)
header() { grep -i "^$1:" "$2" | sed -E 's/^[^:]+: ?//; s/\r$//'; }

if ! command -v nginx >/dev/null; then
  skip "nginx not installed"
else
  # As shipped (before TLS): port 80 serves the ACME challenge and /health, redirects the rest.
  N1=$WORK/nginx-http
  render_nginx "$N1" http
  leftovers=$(grep -nE 'service:[0-9]{4}|/var/www|/etc/letsencrypt|/var/run|/var/log' "$N1/nginx.conf" "$N1/conf.d/api.conf" "$N1/conf.d/api.locations" | grep -v '^\s*#' | grep -vE ':[0-9]+:\s*#' || true)
  [ -z "$leftovers" ] && ok "rendering replaced every production path and upstream" || bad "rendering left production paths" "$leftovers"
  check "nginx -t on nginx.conf + conf.d/api.conf as shipped" nginx -t -c "$N1/nginx.conf" -p "$N1/" -e "$N1/error.log"
  if nginx_start "$N1"; then
    wait_http "http://127.0.0.1:$HTTP_PORT/health" 10
    code=$(curl -s -o "$WORK/b" -w '%{http_code}' -H 'Host: localhost' "http://127.0.0.1:$HTTP_PORT/health")
    [ "$code" = 200 ] && grep -q '"status":"healthy"' "$WORK/b" && ok "curl -f http://localhost:80/health answers 200 healthy (before TLS)" || bad "/health over HTTP: $code"
    out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: api.yourdomain.com' "http://127.0.0.1:$HTTP_PORT/api/auth/health?x=1")
    [ "$out" = "301 https://api.yourdomain.com/api/auth/health?x=1" ] && ok "HTTP redirects to HTTPS keeping path and query" || bad "HTTP->HTTPS redirect: $out"
    out=$(curl -s -H 'Host: api.yourdomain.com' "http://127.0.0.1:$HTTP_PORT/.well-known/acme-challenge/test-token")
    [ "$out" = token-for-test ] && ok "ACME challenge served from the certbot webroot over HTTP" || bad "ACME challenge: $out"
    nginx_stop "$N1"
  else
    bad "nginx (as shipped) did not start" "$(tail -5 "$N1/error.log" 2>/dev/null)"
  fi

  # Backends: the real program for auth, echo services (node) for the others.
  for pair in "chat:$CHAT_PORT" "billing:$BILLING_PORT" "analytics:$ANALYTICS_PORT" "notifications:$NOTIF_PORT" "orchestrator:$ORCH_PORT"; do
    node "$HERE/echo-backend.js" "${pair#*:}" "${pair%%:*}" >"$WORK/echo-${pair%%:*}.log" 2>&1 &
    PIDS+=($!)
  done
  AUTH_TARGET=all
  APP_ENV=(DATA_DIR="$WORK/auth-data" BIND_ADDRESS=127.0.0.1 TRUST_PROXY=true HSTS_MAX_AGE=31536000 LOG_LEVEL=warn
           JWT_SECRET="$(openssl rand -hex 32)" AUTH_SECRET="$(openssl rand -hex 32)" ASPNETCORE_ENVIRONMENT=Production)
  if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
    AUTH_TARGET=auth
    APP_ENV+=(REDIS_URL=redis://127.0.0.1:6379 RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672/
              REDIS_KEY_PREFIX="mysaaschat-deploytest:" RABBITMQ_PREFIX="mysaaschat-deploytest")
  fi
  if [ -n "$DLL" ]; then
    # As an operator does (checklist phase 7): migrate once, then serve.
    env "${APP_ENV[@]}" dotnet "$DLL" migrate --target "$AUTH_TARGET" >"$WORK/auth-migrate.log" 2>&1 \
      || bad "mysaaschat migrate --target $AUTH_TARGET" "$(tail -5 "$WORK/auth-migrate.log")"
    env "${APP_ENV[@]}" dotnet "$DLL" serve --target "$AUTH_TARGET" --port "$AUTH_PORT" >"$WORK/auth.log" 2>&1 &
    PIDS+=($!)
  fi
  for p in "$CHAT_PORT" "$BILLING_PORT" "$ANALYTICS_PORT" "$NOTIF_PORT" "$ORCH_PORT"; do wait_http "http://127.0.0.1:$p/" 10; done
  if [ -n "$DLL" ]; then
    if wait_http "http://127.0.0.1:$AUTH_PORT/health" 60; then
      ok "mysaaschat serve --target $AUTH_TARGET answers on 127.0.0.1:$AUTH_PORT"
    else
      bad "mysaaschat serve --target $AUTH_TARGET did not answer" "$(tail -10 "$WORK/auth.log")"
    fi
    out=$(env "${APP_ENV[@]}" dotnet "$DLL" health --port "$AUTH_PORT" 2>&1); rc=$?
    [ $rc -eq 0 ] && ok "container HEALTHCHECK command (mysaaschat health) exits 0 on a healthy service" || bad "mysaaschat health (rc=$rc)" "$out"
    out=$(env "${APP_ENV[@]}" dotnet "$DLL" health --port "$(free_port)" 2>&1); rc=$?
    [ $rc -ne 0 ] && ok "mysaaschat health exits $rc when nothing answers" || bad "mysaaschat health on a dead port exited 0"
  fi

  # The program accepts every value of .env.example (hosts pointed at this machine, secrets filled in).
  if [ -n "$DLL" ] && [ "$AUTH_TARGET" = auth ] && PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc 'select 1' >/dev/null 2>&1; then
    ENV_DB=deploy_env_$$
    PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc "create database $ENV_DB" >/dev/null
    ENV_PORT=$(free_port)
    env -i PATH="$PATH" HOME="$HOME" DOTNET_ROOT="${DOTNET_ROOT:-}" bash -c '
      set -a; . "$1"; set +a
      POSTGRES_HOST=127.0.0.1 POSTGRES_USER=postgres POSTGRES_PASSWORD=postgres POSTGRES_DB=$2
      REDIS_URL=redis://127.0.0.1:6379 RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672/
      REDIS_KEY_PREFIX=mysaaschat-deploytest: RABBITMQ_PREFIX=mysaaschat-deploytest
      JWT_SECRET=$(openssl rand -hex 32) AUTH_SECRET=$(openssl rand -hex 32) REFRESH_TOKEN_SECRET=$(openssl rand -hex 32)
      DATA_DIR=$3 BIND_ADDRESS=127.0.0.1
      dotnet "$4" migrate --target auth || exit 1
      exec dotnet "$4" serve --target auth --port "$5"' _ "$ROOT/.env.example" "$ENV_DB" "$WORK/env-data" "$DLL" "$ENV_PORT" >"$WORK/env-app.log" 2>&1 &
    PIDS+=($!)
    if wait_http "http://127.0.0.1:$ENV_PORT/health" 60; then
      code=$(curl -s -o "$WORK/b" -w '%{http_code}' "http://127.0.0.1:$ENV_PORT/health/detailed")
      [ "$code" = 200 ] && ok "mysaaschat serve --target auth starts with .env.example's values (/health/detailed 200)" \
        || bad "with .env.example: /health/detailed $code" "$(head -c 400 "$WORK/b")"
    else
      bad "mysaaschat does not start with .env.example's values" "$(tail -5 "$WORK/env-app.log")"
    fi
    kill "${PIDS[-1]}" 2>/dev/null
    PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc "drop database if exists $ENV_DB with (force)" >/dev/null 2>&1
  else
    skip ".env.example start-up check (needs PostgreSQL, Redis and RabbitMQ on 127.0.0.1)"
  fi

  # After phase 5: SSL lines uncommented, self-signed certificate in place of Let's Encrypt's.
  N2=$WORK/nginx-tls
  render_nginx "$N2" tls
  check "nginx -t with the SSL block enabled (sed -E 's/^#ssl# ?//')" nginx -t -c "$N2/nginx.conf" -p "$N2/" -e "$N2/error.log"
  if nginx_start "$N2"; then
    wait_http "http://127.0.0.1:$HTTP_PORT/health" 10
    H=(--resolve "api.yourdomain.com:$HTTPS_PORT:127.0.0.1" --cacert "$CERTS/fullchain.pem")
    U=https://api.yourdomain.com:$HTTPS_PORT
    code=$(curl -s "${H[@]}" -o "$WORK/b" -w '%{http_code}' "$U/health")
    [ "$code" = 200 ] && ok "https://api.yourdomain.com/health answers 200" || bad "HTTPS /health: $code"
    code=$(curl -s "${H[@]}" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$U/api/auth/health")
    if [ -n "$DLL" ] && [ "$code" = 200 ] && grep -q "\"target\":\"$AUTH_TARGET\"" "$WORK/b"; then
      ok "/api/auth/health routes to the real auth service (200, target $AUTH_TARGET)"
    else
      bad "/api/auth/health: $code" "$(cat "$WORK/b" 2>/dev/null | head -c 300)"
    fi
    n=$(header strict-transport-security "$WORK/h" | wc -l)
    [ "$n" = 1 ] && ok "HSTS sent exactly once over HTTPS" || bad "Strict-Transport-Security sent $n times" "$(cat "$WORK/h")"
    n=$(header x-content-type-options "$WORK/h" | wc -l)
    [ "$n" = 1 ] && ok "security headers not duplicated when the service sends its own" || bad "X-Content-Type-Options sent $n times"
    code=$(curl -s "${H[@]}" -o "$WORK/b" -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.9' "$U/api/chat/health")
    if [ "$code" = 200 ] && out=$($PY - "$WORK/b" <<'PY' 2>&1
import sys, json
b = json.load(open(sys.argv[1]))
h = b["headers"]
assert b["service"] == "chat" and b["url"] == "/api/chat/health", b
assert h.get("x-forwarded-proto") == "https", h
assert h.get("host") == "api.yourdomain.com", h
assert h.get("x-forwarded-for", "").endswith("127.0.0.1"), h
assert h.get("x-real-ip") == "127.0.0.1", h
assert h.get("x-forwarded-host") == "api.yourdomain.com", h
assert len(h.get("x-request-id", "")) == 32, h
print("ok")
PY
); then ok "/api/chat/health routes to chat with Host, X-Forwarded-For/Proto/Host, X-Real-IP, X-Request-ID"
    else bad "/api/chat/health: $code" "${out:-}"; fi
    for pair in billing analytics notifications orchestrator; do
      code=$(curl -s "${H[@]}" -o "$WORK/b" -w '%{http_code}' "$U/api/$pair/anything?q=1")
      [ "$code" = 200 ] && grep -q "\"service\":\"$pair\"" "$WORK/b" && grep -q "\"url\":\"/api/$pair/anything?q=1\"" "$WORK/b" \
        && ok "/api/$pair/* routes to $pair-service with the full path" || bad "/api/$pair/anything: $code $(head -c 200 "$WORK/b")"
    done
    out=$(curl -s "${H[@]}" --http1.1 -i --max-time 3 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
      -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$U/api/chat/hub?id=1" 2>&1 | tr -d '\r')
    if grep -q '^HTTP/1.1 101' <<<"$out" && grep -qi '^upgrade: websocket' <<<"$out" && grep -qi '^x-echo-connection: upgrade' <<<"$out" \
      && grep -qi '^x-echo-service: chat' <<<"$out"; then
      ok "WebSocket upgrade on /api/chat/hub reaches chat with Upgrade/Connection headers (101)"
    else
      bad "WebSocket upgrade on /api/chat/hub" "$(head -8 <<<"$out")"
    fi
    out=$(curl -s "${H[@]}" -N --max-time 1 "$U/api/chat/conversations/1/stream" 2>/dev/null)
    grep -q 'data: first' <<<"$out" && ! grep -q 'data: second' <<<"$out" \
      && ok "server-sent events arrive as they are sent (first event within 1 s, before the stream ends)" || bad "SSE held back: '$out'"
    head -c $((11 * 1024 * 1024)) /dev/zero >"$WORK/big"
    code=$(curl -s "${H[@]}" -o /dev/null -w '%{http_code}' -X POST --data-binary "@$WORK/big" "$U/api/billing/upload")
    [ "$code" = 413 ] && ok "client_max_body_size: an 11 MB body gets 413 at the gateway" || bad "11 MB body: $code"
    if [ -f "$WEBROOT/index.html" ]; then
      code=$(curl -s "${H[@]}" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$U/")
      [ "$code" = 200 ] && grep -q '_framework/blazor.webassembly.js' "$WORK/b" && header content-security-policy "$WORK/h" | grep -q "wasm-unsafe-eval" \
        && ok "/ serves the web app's index.html with its CSP" || bad "web app at /: $code" "$(head -c 300 "$WORK/b")"
      code=$(curl -s "${H[@]}" -o "$WORK/b" -w '%{http_code}' "$U/c/0f8fad5b-d9cb-469f-a165-70867728950e")
      [ "$code" = 200 ] && grep -q '_framework/blazor.webassembly.js' "$WORK/b" && ok "a page path (/c/<id>) gets index.html" || bad "SPA fallback: $code"
      code=$(curl -s "${H[@]}" -D "$WORK/h" -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' "$U/_framework/blazor.webassembly.js")
      [ "$code" = 200 ] && header content-encoding "$WORK/h" | grep -q gzip && header cache-control "$WORK/h" | grep -q no-cache \
        && ok "/_framework/blazor.webassembly.js served precompressed (gzip) and revalidated (no-cache)" || bad "/_framework/blazor.webassembly.js: $code" "$(cat "$WORK/h")"
      code=$(curl -s "${H[@]}" -o "$WORK/b" -w '%{http_code}' "$U/api/no-such-service/x")
      [ "$code" = 404 ] && grep -q gateway.not_found "$WORK/b" && ok "an unknown /api path is a 404 problem, not the web app" || bad "/api/no-such-service: $code"
    else
      skip "web app through nginx (no published wwwroot)"
    fi
    code=$(curl -s "${H[@]}" -o /dev/null -w '%{http_code}' "$U/metrics")
    [ "$code" = 404 ] && ok "/metrics is not exposed publicly (404)" || bad "/metrics through nginx: $code"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: api.yourdomain.com' "http://127.0.0.1:$HTTP_PORT/api/chat/health")
    [ "$code" = 301 ] && ok "with TLS on, port 80 still redirects to HTTPS" || bad "HTTP with TLS on: $code"
    if grep -q "upstream=127.0.0.1:$CHAT_PORT" "$N2/access.log"; then ok "access log records the upstream of each request"; else bad "access log has no upstream"; fi

    # health-check.sh against the gateway and the services behind it.
    HC_ENV=(BASE_URL=http://127.0.0.1 NGINX_PORT="$HTTP_PORT" AUTH_PORT="$AUTH_PORT" CHAT_PORT="$CHAT_PORT" BILLING_PORT="$BILLING_PORT"
            ANALYTICS_PORT="$ANALYTICS_PORT" NOTIFICATIONS_PORT="$NOTIF_PORT" ORCHESTRATOR_PORT="$ORCH_PORT" NO_COLOR=1)
    out=$(env "${HC_ENV[@]}" "$ROOT/scripts/health-check.sh" 2>&1); rc=$?
    [ $rc -eq 0 ] && grep -q 'all 13 checks passed' <<<"$out" && ok "health-check.sh: 13 checks green, exit 0" || bad "health-check.sh (rc=$rc)" "$out"
    out=$(env "${HC_ENV[@]}" ORCHESTRATOR_PORT="$(free_port)" "$ROOT/scripts/health-check.sh" 2>&1); rc=$?
    [ $rc -eq 1 ] && grep -q '✗ orchestrator /health ' <<<"$out" && grep -q '2 failed, 11 passed' <<<"$out" \
      && ok "health-check.sh: a dead service fails the run (exit 1) and is named" || bad "health-check.sh with a dead service (rc=$rc)" "$out"
    nginx_stop "$N2"
  else
    bad "nginx with TLS did not start" "$(tail -5 "$N2/error.log" 2>/dev/null)"
  fi
fi

# ------------------------------------------------------------------------------ backups
section "backup.sh / restore.sh"
B=$WORK/backup
mkdir -p "$B/data/uploads"
sqlite3 "$B/data/identity.db" "pragma journal_mode=wal; create table users(id integer primary key, email text); insert into users(email) values ('ada@example.com');" >/dev/null
echo "a document" >"$B/data/uploads/doc.txt"
BK_ENV=(DATA_DIR="$B/data" BACKUP_DIR="$B/archives" METRICS_DIR="$B/metrics" RESTORE_IN_DOCKER=no
        DATABASE_URL= POSTGRES_HOST= BACKUP_S3_BUCKET= S3_ENDPOINT=)
out=$(env "${BK_ENV[@]}" "$ROOT/scripts/backup.sh" 2>&1); rc=$?
archive=$(ls "$B/archives"/mysaaschat-*.tar.gz 2>/dev/null | head -1)
# (listings are captured first: `grep -q` closing a pipe early would fail tar under pipefail)
if [ $rc -eq 0 ] && [ -n "$archive" ] && grep -q 'sqlite/identity.db$' <<<"$(tar -tzf "$archive")"; then
  ok "SQLite mode: backup.sh writes a timestamped tar.gz with the databases ($(basename "$archive"))"
else
  bad "SQLite backup (rc=$rc)" "$out"
fi
grep -qx 'mysaaschat_backup_last_run_success 1' "$B/metrics/mysaaschat_backup.prom" 2>/dev/null \
  && ok "backup status written for Prometheus (last_run_success 1)" || bad "backup status metric"
name=$(basename "${archive:-none}" .tar.gz)
out=$(env "${BK_ENV[@]}" "$ROOT/scripts/restore.sh" -l 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "$name" <<<"$out" && ok "restore.sh -l lists the local backup" || bad "restore.sh -l (rc=$rc)" "$out"
sqlite3 "$B/data/identity.db" "delete from users; insert into users(email) values ('mallory@example.com');"
rm -f "$B/data/uploads/doc.txt"
out=$(env "${BK_ENV[@]}" "$ROOT/scripts/restore.sh" "$name" </dev/null 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'pass -y' <<<"$out" && ok "restore.sh refuses to overwrite data without confirmation" || bad "restore without -y (rc=$rc)" "$out"
out=$(env "${BK_ENV[@]}" "$ROOT/scripts/restore.sh" -y "$name" 2>&1); rc=$?
users=$(sqlite3 "$B/data/identity.db" "select group_concat(email) from users")
[ $rc -eq 0 ] && [ "$users" = ada@example.com ] && [ "$(cat "$B/data/uploads/doc.txt" 2>/dev/null)" = "a document" ] \
  && ok "SQLite round trip: restore.sh -y NAME brings back the rows and the uploaded files" || bad "SQLite restore (rc=$rc, users=$users)" "$out"
out=$(env "${BK_ENV[@]}" "$ROOT/scripts/restore.sh" -y mysaaschat-19990101T000000Z 2>&1); rc=$?
[ $rc -ne 0 ] && ok "restore.sh of an unknown backup fails (exit $rc)" || bad "restore of unknown backup exited 0"
out=$(env "${BK_ENV[@]}" DATABASE_URL="postgres://nobody:wrong@127.0.0.1:1/none" "$ROOT/scripts/backup.sh" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -qx 'mysaaschat_backup_last_run_success 0' "$B/metrics/mysaaschat_backup.prom" \
  && grep -q 'mysaaschat_backup_last_success_timestamp_seconds' "$B/metrics/mysaaschat_backup.prom" \
  && ok "a failed backup exits $rc and reports last_run_success 0 (BackupFailed alert), keeping the last success time" \
  || bad "failing backup (rc=$rc)" "$out"
leftover=$(find "$B/archives" -mindepth 1 -maxdepth 1 \( -name '.work*' -o -name '*.partial' \))
[ -z "$leftover" ] && ok "a failed backup leaves no work folder or partial archive" || bad "failed backup left files behind" "$leftover"

if command -v pg_dump >/dev/null && PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc 'select 1' >/dev/null 2>&1; then
  PG_TEST_DB=deploy_backup_$$
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qAtc "create database $PG_TEST_DB" >/dev/null
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d "$PG_TEST_DB" -qAt -c "create schema identity; create table identity.users(id int primary key, email text); insert into identity.users values (1, 'ada@example.com');" >/dev/null
  PG_ENV=(BACKUP_DIR="$B/pg-archives" RESTORE_IN_DOCKER=no BACKUP_S3_BUCKET= METRICS_DIR=)
  out=$(env "${PG_ENV[@]}" DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/$PG_TEST_DB?sslmode=disable" "$ROOT/scripts/backup.sh" 2>&1); rc=$?
  pgarchive=$(ls "$B/pg-archives"/mysaaschat-*.tar.gz 2>/dev/null | head -1)
  [ $rc -eq 0 ] && grep -q 'postgres.sql$' <<<"$(tar -tzf "$pgarchive")" && ok "PostgreSQL mode: pg_dump of DATABASE_URL into the archive" || bad "PostgreSQL backup (rc=$rc)" "$out"
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d "$PG_TEST_DB" -qAtc "drop schema identity cascade" >/dev/null 2>&1
  out=$(env "${PG_ENV[@]}" POSTGRES_HOST=127.0.0.1 POSTGRES_USER=postgres POSTGRES_PASSWORD=postgres POSTGRES_DB="$PG_TEST_DB" DATABASE_URL= \
    "$ROOT/scripts/restore.sh" -y latest 2>&1); rc=$?
  got=$(PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d "$PG_TEST_DB" -qAtc "select email from identity.users" 2>&1)
  [ $rc -eq 0 ] && [ "$got" = ada@example.com ] && ok "PostgreSQL round trip: restore.sh -y latest (POSTGRES_* settings) brings back a dropped schema" \
    || bad "PostgreSQL restore (rc=$rc, got=$got)" "$out"
else
  skip "PostgreSQL backup round trip (no PostgreSQL on 127.0.0.1:5432 with postgres/postgres)"
fi

# S3: s3rver stands in for AWS S3; the aws CLI talks to it through --endpoint-url (S3_ENDPOINT).
S3RVER=$HERE/node_modules/.bin/s3rver
if [ -x "$S3RVER" ] && command -v aws >/dev/null; then
  S3_PORT=$(free_port)
  mkdir -p "$WORK/s3"
  "$S3RVER" --directory "$WORK/s3" --address 127.0.0.1 --port "$S3_PORT" --configure-bucket deploy-test-backups --silent >"$WORK/s3.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.2; done
  S3_ENV=(DATA_DIR="$B/data" BACKUP_DIR="$B/s3-archives" METRICS_DIR= RESTORE_IN_DOCKER=no DATABASE_URL= POSTGRES_HOST=
          BACKUP_S3_BUCKET=deploy-test-backups S3_ENDPOINT="http://127.0.0.1:$S3_PORT" AWS_ACCESS_KEY_ID=S3RVER
          AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 BACKUP_RETENTION_DAYS=30 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null)
  s3() { env "${S3_ENV[@]}" aws --endpoint-url "http://127.0.0.1:$S3_PORT" s3 "$@"; }
  # An expired backup (2020) locally and in S3, and a file that is not a backup, which must survive.
  mkdir -p "$B/s3-archives"
  echo old >"$B/s3-archives/mysaaschat-20200101T000000Z.tar.gz"
  s3 cp --only-show-errors "$B/s3-archives/mysaaschat-20200101T000000Z.tar.gz" s3://deploy-test-backups/backups/mysaaschat-20200101T000000Z.tar.gz
  s3 cp --only-show-errors "$B/s3-archives/mysaaschat-20200101T000000Z.tar.gz" s3://deploy-test-backups/backups/keep-me.txt
  sleep 1 # a new timestamp in the archive name
  out=$(env "${S3_ENV[@]}" "$ROOT/scripts/backup.sh" 2>&1); rc=$?
  s3name=$(basename "$(tail -1 <<<"$out")" .tar.gz)
  listing=$(s3 ls s3://deploy-test-backups/backups/ 2>&1)
  [ $rc -eq 0 ] && grep -q "$s3name.tar.gz" <<<"$listing" && ok "backup.sh uploads to s3://\$BACKUP_S3_BUCKET/backups/ (--endpoint-url \$S3_ENDPOINT, --sse AES256)" \
    || bad "S3 upload (rc=$rc)" "$out" "$listing"
  ! grep -q 'mysaaschat-20200101T000000Z' <<<"$listing" && [ ! -e "$B/s3-archives/mysaaschat-20200101T000000Z.tar.gz" ] \
    && ok "retention: a backup older than BACKUP_RETENTION_DAYS is deleted locally and in S3" || bad "retention" "$listing"
  grep -q 'keep-me.txt' <<<"$listing" && ok "retention leaves other objects alone" || bad "retention deleted a non-backup object"
  out=$(env "${S3_ENV[@]}" "$ROOT/scripts/restore.sh" -l 2>&1)
  grep -q "$s3name" <<<"$(grep -A3 '^S3 backups' <<<"$out")" && ok "restore.sh -l lists the S3 backups" || bad "restore.sh -l with S3" "$out"
  rm -f "$B/s3-archives/$s3name.tar.gz"
  sqlite3 "$B/data/identity.db" "delete from users;"
  out=$(env "${S3_ENV[@]}" "$ROOT/scripts/restore.sh" -y "$s3name" 2>&1); rc=$?
  users=$(sqlite3 "$B/data/identity.db" "select group_concat(email) from users")
  [ $rc -eq 0 ] && [ "$users" = ada@example.com ] && ok "S3 round trip: restore.sh downloads a backup that is only in S3 and restores it" \
    || bad "restore from S3 (rc=$rc, users=$users)" "$out"
else
  skip "S3 round trip (needs npm s3rver in tests/deploy and the aws CLI: apt-get install awscli)"
fi

# ------------------------------------------------------------------------------ checklist references
section "DEPLOYMENT-CHECKLIST references"
for f in .env.example docker-compose.prod.yml nginx/conf.d/api.conf scripts/restore.sh scripts/backup.sh scripts/health-check.sh \
  docs/operations.md .github/workflows/ci.yml .github/workflows/deploy.yml; do
  [ -e "$ROOT/$f" ] && ok "$f exists" || bad "$f is missing"
done
grep -q 'docker-compose -f docker-compose.prod.yml run --rm certbot certonly' "$ROOT/docs/operations.md" 2>/dev/null \
  && ok "runbook documents the certificate step" || bad "runbook lacks the certbot step"
grep -q 'mysaaschat migrate' "$ROOT/docs/operations.md" 2>/dev/null && ok "runbook documents the real migrate command" || bad "runbook lacks mysaaschat migrate"

echo
[ "$SKIPPED" -gt 0 ] && printf '(%d skipped: see the "skip" lines)\n' "$SKIPPED"
printf 'deploy: %d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
