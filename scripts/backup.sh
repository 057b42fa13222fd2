#!/usr/bin/env bash
# Back up the service's PostgreSQL database into one file (pg_dump's custom format:
# compressed, restorable whole or table by table), then check the file reads back.
#
#   scripts/backup.sh [DATABASE_URL] [FILE]
#
# DATABASE_URL defaults to the environment's; the service's SQLAlchemy form
# (postgresql+psycopg://...) is taken as it is. FILE defaults to
# backups/moderation-<UTC time>.dump. The dump is consistent (one snapshot) while the
# service runs on; it is written beside FILE first and renamed when complete.
set -euo pipefail

url="${1:-${DATABASE_URL:?usage: scripts/backup.sh [DATABASE_URL] [FILE]}}"
url="${url/postgresql+psycopg:/postgresql:}"
out="${2:-backups/moderation-$(date -u +%Y%m%dT%H%M%SZ).dump}"

mkdir -p "$(dirname "$out")"
pg_dump --format=custom --no-owner --no-privileges --file="$out.partial" "$url"
pg_restore --list "$out.partial" > /dev/null
mv "$out.partial" "$out"
echo "$out"
