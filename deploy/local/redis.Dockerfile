# A stand-in for the redis image, for a machine that reaches no image registry
# (deploy/compose.local.yaml): Debian bookworm's Redis 7.0 on deploy/local-base.sh's base,
# run as the redis user in /data like the official image.
ARG BASE_IMAGE=moderation-base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o redis -g redis /data
WORKDIR /data
COPY redis-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["redis-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
