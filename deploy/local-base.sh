#!/bin/sh
# Builds a stand-in for python:3.11-slim from Debian's packages, for a machine that reaches
# Debian's mirror but no image registry: Debian bookworm (minbase) with its python3.11, venv,
# `python` and the CA certificates, imported as an image (default name moderation-base:bookworm).
# Then: docker build --build-arg BASE_IMAGE=moderation-base:bookworm ...
# Extra CA certificates (e.g. a TLS-inspecting egress proxy's, which pip must trust to reach
# PyPI from the build) are copied in from EXTRA_CA_DIR (default /usr/local/share/ca-certificates).
# Needs root, debootstrap and a running Docker engine; the rootfs is made in a temporary
# directory and removed afterwards.
set -eu

IMAGE=${1:-moderation-base:bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
EXTRA_CA_DIR=${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
ROOTFS=$(mktemp -d /tmp/moderation-base.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT

debootstrap --variant=minbase --include=ca-certificates,passwd,netbase bookworm "$ROOTFS" "$MIRROR"
# Python after the base, by apt inside it: debootstrap's own ordering fails configuring
# python3.11-venv among the base packages.
chroot "$ROOTFS" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3.11 python3.11-venv python-is-python3 tzdata'

if [ -d "$EXTRA_CA_DIR" ] && ls "$EXTRA_CA_DIR"/*.crt >/dev/null 2>&1; then
    cp "$EXTRA_CA_DIR"/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
    chroot "$ROOTFS" update-ca-certificates
fi
# What an image does not need: the package lists and caches, the docs (slim drops them too).
chroot "$ROOTFS" apt-get clean
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* \
    "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/cache/debconf/*-old

# python:3.11-slim's environment: UTF-8 and the CA bundle that Python's ssl finds by default.
tar -C "$ROOTFS" -c . | docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python3"]' \
    - "$IMAGE"
docker image ls "$IMAGE"
