#!/usr/bin/env bash
# Checks every My-SaaS-Chat service the deployment checklist names: nginx /health, and each service's
# /health (liveness) and /health/detailed (dependencies; 503 when a required one is down).
#
#   ./scripts/health-check.sh                      http://localhost, nginx on 80, services on 3001-3006
#   BASE_URL=http://10.0.0.5 ./scripts/health-check.sh
#   PUBLIC_URL=https://api.yourdomain.com ./scripts/health-check.sh   also checks /health and /api/auth/health over HTTPS
#
# Overrides: BASE_URL (default http://localhost), NGINX_PORT (80; "none" to skip), AUTH_PORT (3001),
# CHAT_PORT (3002), BILLING_PORT (3003), ANALYTICS_PORT (3004), NOTIFICATIONS_PORT (3005),
# ORCHESTRATOR_PORT (3006), SERVICES (default "auth chat billing analytics notifications orchestrator"),
# PUBLIC_URL (empty = skip), TIMEOUT (seconds per request, 10), NO_COLOR (plain output).
# Exit: 0 when every check passed, 1 otherwise.
set -uo pipefail

BASE_URL=${BASE_URL:-http://localhost}
BASE_URL=${BASE_URL%/}
NGINX_PORT=${NGINX_PORT:-80}
SERVICES=${SERVICES:-auth chat billing analytics notifications orchestrator}
PUBLIC_URL=${PUBLIC_URL:-}
TIMEOUT=${TIMEOUT:-10}

case "${1:-}" in -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] || [ -n "${FORCE_COLOR:-}" ]; then
  GREEN=$'\e[32m' RED=$'\e[31m' YELLOW=$'\e[33m' BOLD=$'\e[1m' RESET=$'\e[0m'
else
  GREEN='' RED='' YELLOW='' BOLD='' RESET=''
fi

port_of() {
  local var
  var=$(printf '%s_PORT' "$1" | tr '[:lower:]' '[:upper:]')
  case "$1" in
    auth) echo "${!var:-3001}" ;; chat) echo "${!var:-3002}" ;; billing) echo "${!var:-3003}" ;;
    analytics) echo "${!var:-3004}" ;; notifications) echo "${!var:-3005}" ;; orchestrator) echo "${!var:-3006}" ;;
    *) echo "${!var:-}" ;;
  esac
}

passed=0 failed=0 failures=()

# check LABEL URL: 2xx = pass; prints status code, time and, for /health/detailed, unhealthy parts.
check() {
  local label=$1 url=$2 out code time body
  body=$(mktemp)
  out=$(curl -sS -o "$body" -w '%{http_code} %{time_total}' --max-time "$TIMEOUT" "$url" 2>&1)
  code=${out%% *}; time=${out##* }
  if [[ "$code" =~ ^2[0-9][0-9]$ ]]; then
    passed=$((passed + 1))
    printf '  %s✓%s %-28s %s %s(%ss)%s\n' "$GREEN" "$RESET" "$label" "$code" "$YELLOW" "$time" "$RESET"
  else
    failed=$((failed + 1))
    failures+=("$label")
    [[ "$code" =~ ^[0-9]{3}$ ]] || code="no answer: ${out}"
    printf '  %s✗%s %-28s %s  %s\n' "$RED" "$RESET" "$label" "$code" "$url"
    if command -v jq >/dev/null && jq -e '.checks' "$body" >/dev/null 2>&1; then
      jq -r '.checks[] | select(.status != "healthy") | "      \(.name): \(.status) \(.error // .description // "")"' "$body" 2>/dev/null
    fi
  fi
  rm -f "$body"
}

echo "${BOLD}My-SaaS-Chat health check${RESET} ($BASE_URL)"
if [ "$NGINX_PORT" != none ]; then
  check "nginx /health" "$BASE_URL:$NGINX_PORT/health"
fi
for svc in $SERVICES; do
  port=$(port_of "$svc")
  if [ -z "$port" ]; then
    echo "  ${RED}✗${RESET} $svc: no port (set $(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')_PORT)"
    failed=$((failed + 1)); failures+=("$svc"); continue
  fi
  check "$svc /health" "$BASE_URL:$port/health"
  check "$svc /health/detailed" "$BASE_URL:$port/health/detailed"
done
if [ -n "$PUBLIC_URL" ]; then
  check "public /health" "${PUBLIC_URL%/}/health"
  check "public /api/auth/health" "${PUBLIC_URL%/}/api/auth/health"
fi

echo
if [ "$failed" -eq 0 ]; then
  echo "${GREEN}${BOLD}all $passed checks passed${RESET}"
  exit 0
fi
echo "${RED}${BOLD}$failed failed${RESET}, $passed passed: ${failures[*]}"
exit 1
