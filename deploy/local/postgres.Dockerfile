# A stand-in for the postgres image, for a machine that reaches no image registry
# (deploy/compose.local.yaml): Debian bookworm's PostgreSQL 15 on deploy/local-base.sh's
# base, with the part of the official image's contract compose.yaml uses: POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB, the data in /var/lib/postgresql/data, pg_isready.
ARG BASE_IMAGE=moderation-base:bookworm
FROM ${BASE_IMAGE}
# No cluster of Debian's own: the entrypoint makes one in the volume on the first start.
RUN mkdir -p /etc/postgresql-common \
    && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["postgres-entrypoint.sh"]
EXPOSE 5432
CMD ["postgres"]
