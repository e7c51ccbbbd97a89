# The backup service's image (docker-compose.yml, service "backup"): the app image plus
# the PostgreSQL client tools of the server's major version. pg_dump refuses to dump a
# server newer than itself and Debian bookworm ships version 15, so they come from the
# PostgreSQL project's own apt repository (apt.postgresql.org), as its instructions say.
#
# "app" is not a registry image: compose hands over the image it builds for the other
# app services (build.additional_contexts: app: service:migrate), so this one is always
# that code plus the client tools. PG_MAJOR must be the postgres service's major version;
# tests/core/test_compose.py checks that it is.
FROM app
ARG PG_MAJOR=16
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
    https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $(. /etc/os-release && echo "$VERSION_CODENAME")-pgdg main" \
    > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && apt-get purge -y curl \
 && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o khruakhai -m 700 /app/backups
# The archives' folder: the "backups" volume is mounted here and starts with this owner.
USER khruakhai
