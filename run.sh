#!/usr/bin/env bash
# Runs My-SaaS-Chat on the embedded defaults (SQLite, in-memory cache and bus) at http://localhost:8080.
# Any variable from .env.example that is set in the environment switches that part to production.
set -euo pipefail
cd "$(dirname "$0")"
# dotnet run starts the program in the project folder: keep the data beside this script.
export DATA_DIR="${DATA_DIR:-$PWD/data}"
exec dotnet run --project src/MySaasChat -c Release -- serve "$@"
