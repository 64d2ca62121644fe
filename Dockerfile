# syntax=docker/dockerfile:1
# One image for every target of My-SaaS-Chat:
#   docker build -t mysaaschat .                      (app image, stage "runtime")
#   docker build --target backup -t mysaaschat-backup .  (runtime + pg_dump, sqlite3, aws CLI for /backup.sh)
# Run:  docker run -p 8080:8080 mysaaschat               (target all on embedded defaults)
#       docker run mysaaschat serve --target chat          (one service; needs REDIS_URL, RABBITMQ_URL, ...)

ARG DOTNET_VERSION=10.0

# ---- build ------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet restore src/MySaasChat/MySaasChat.csproj
RUN dotnet publish src/MySaasChat/MySaasChat.csproj -c Release -o /out --no-restore -p:UseAppHost=false

# ---- runtime ----------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
# The program binds itself (BIND_ADDRESS, PORT or the target's port); the image's default
# ASPNETCORE_HTTP_PORTS would only produce an "overriding" warning.
ENV ASPNETCORE_HTTP_PORTS= \
    DATA_DIR=/app/data \
    BIND_ADDRESS=0.0.0.0 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_gcServer=0
COPY --from=build /out/ /app/
# `npx prisma migrate deploy` (the deployment checklist) -> `mysaaschat migrate` for this container's TARGET.
COPY --chmod=0755 deploy/npx /usr/local/bin/npx
COPY --chmod=0755 scripts/backup.sh /backup.sh
COPY --chmod=0755 scripts/restore.sh /restore.sh
RUN mkdir -p /app/data /backups && chown -R "$APP_UID" /app/data /backups
# Non-root: the aspnet image's "app" user (uid 1654).
USER $APP_UID
EXPOSE 8080 3001 3002 3003 3004 3005 3006
VOLUME ["/app/data"]
# `health` asks this container's /health/detailed on the port of TARGET/PORT; 503 = unhealthy.
HEALTHCHECK --interval=15s --timeout=10s --start-period=40s --retries=3 \
  CMD ["dotnet", "/app/mysaaschat.dll", "health"]
ENTRYPOINT ["dotnet", "mysaaschat.dll"]
CMD ["serve"]

# ---- backup (backup-service in docker-compose.prod.yml) ---------------------------------------
FROM runtime AS backup
USER root
# postgresql-client matches the postgres:16 server of the compose file (Ubuntu 24.04 ships 16).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client sqlite3 gzip tar curl unzip ca-certificates \
 && curl -fsSL "https://awscli.amazonaws.com/awscli-exe-linux-$(uname -m).zip" -o /tmp/awscli.zip \
 && unzip -q /tmp/awscli.zip -d /tmp \
 && /tmp/aws/install \
 && rm -rf /tmp/aws /tmp/awscli.zip /var/lib/apt/lists/* \
 && apt-get purge -y unzip && apt-get autoremove -y \
 && mkdir -p /metrics-textfile && chown "$APP_UID" /metrics-textfile
# /metrics-textfile: backup status for node-exporter (a named volume takes this owner on first use).
USER $APP_UID
HEALTHCHECK NONE
ENTRYPOINT []
CMD ["/backup.sh", "--daemon"]
