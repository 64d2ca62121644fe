#!/usr/bin/env bash
# Measures what a browser downloads for the sign-in page of the published web app (Brotli).
# Needs: dotnet, python3, chromium. Run from the repository root: bench/web-size/measure.sh
set -euo pipefail
out=$(mktemp -d)
port=${PORT:-18170}
dotnet publish src/MySaasChat.Web -c Release -o "$out/pub" -nologo -v q -clp:ErrorsOnly
python3 bench/web-size/serve.py "$out/pub/wwwroot" "$port" "$out/log.json" & server=$!
trap 'kill $server 2>/dev/null; rm -rf "$out"' EXIT
sleep 1
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --virtual-time-budget=30000 --dump-dom "http://127.0.0.1:$port/signin" 2>/dev/null | grep -q "Welcome back" \
  || { echo "the sign-in page did not render" >&2; exit 1; }
python3 - "$out/log.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
total = sum(b for _, b, _ in log)
for path, size, enc in sorted(log, key=lambda x: -x[1])[:10]:
    print(f"{size:>10} {enc:<8} {path}")
print(f"{len(log)} requests, {total} bytes ({total / 1024 / 1024:.2f} MiB) for the sign-in page")
PY
