#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW database, which this creates (it
# refuses a database that exists: a restore never overwrites the live one). Point
# DATABASE_URL at it once it is checked, or rename it over the old one.
#
#   scripts/restore.sh FILE TARGET_DATABASE_URL
#
# TARGET_DATABASE_URL names the database to create (the service's SQLAlchemy form is taken
# as it is); it is created through the server's `postgres` database, so its user needs
# CREATEDB.
set -euo pipefail

file="${1:?usage: scripts/restore.sh FILE TARGET_DATABASE_URL}"
url="${2:?usage: scripts/restore.sh FILE TARGET_DATABASE_URL}"
url="${url/postgresql+psycopg:/postgresql:}"
case "$url" in *\?*) echo "restore.sh: give the URL without ?options" >&2; exit 2;; esac
name="${url##*/}"
admin="${url%/*}/postgres"
[[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { echo "restore.sh: unusual database name '$name'" >&2; exit 2; }

pg_restore --list "$file" > /dev/null
psql "$admin" --quiet -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\""
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$file"
echo "restored $file into $name"
