#!/bin/sh
# As the official image: /data to the redis user, and protected mode off (compiled so there):
# without a config file Redis refuses every client but loopback ones, and the service's are
# other containers.
set -eu
if [ "$(id -u)" = 0 ]; then
    chown redis:redis /data
    exec runuser -u redis -- "$0" "$@"
fi
if [ "${1:-}" = redis-server ]; then
    shift
    exec redis-server --protected-mode no "$@"
fi
exec "$@"
