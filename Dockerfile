# One image for every process of the service: the API, the workers, the migrations and the
# queue's dashboard (compose.yaml names each one's command). The rule packs and the model
# bundles are package data, installed with the code. Every dependency comes at the version
# constraints.txt pins, the lock CI installs from too. No `# syntax=` line: the engine's own
# Dockerfile frontend (BuildKit, Docker 20.10 and later) has RUN --mount=type=secret, and
# pulling docker/dockerfile from Docker Hub would fail where no registry is reached.

# The base: python:3.11-slim; a machine that reaches no registry builds a stand-in from
# Debian's packages (deploy/local-base.sh) and passes it with --build-arg BASE_IMAGE=...
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/moderation
ENV PATH=/opt/moderation/bin:$PATH
WORKDIR /src

# The dependencies first, in a layer of their own: rebuilt only when the lock or
# pyproject.toml changes, not on every change of the code.
COPY constraints.txt pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['dashboard']))" \
        > requirements.txt \
    && pip install -c constraints.txt -r requirements.txt

COPY README.md moderation_cli.py ./
COPY rules ./rules
COPY models ./models
COPY moderation ./moderation
COPY api ./api
COPY workers ./workers
RUN pip install --no-deps -c constraints.txt '.[dashboard]'

# The shipped bundles are signed with the development key, which production refuses: given
# the production key as a build secret, sign them again with it (after verifying them).
# Without the secret the image keeps the development signatures (development only).
# BuildKit's cache does not know the secret: after changing the key, build with --no-cache,
# or this layer, signed with the old key, is reused (and the workers refuse the bundles).
COPY scripts/sign_bundles.py ./scripts/
RUN --mount=type=secret,id=model_signing_key,required=false \
    if [ -s /run/secrets/model_signing_key ]; then \
        MODEL_SIGNING_KEY="$(cat /run/secrets/model_signing_key)" \
            python scripts/sign_bundles.py; \
    fi


FROM ${BASE_IMAGE}
ENV PATH=/opt/moderation/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
# A user of its own without a login shell or a writable install: a compromised process
# cannot rewrite the code, the rule packs or the model it runs.
RUN groupadd --system --gid 10001 moderation \
    && useradd --system --uid 10001 --gid moderation --home-dir /app --create-home \
        --shell /usr/sbin/nologin moderation
COPY --from=build /opt/moderation /opt/moderation
WORKDIR /app
USER moderation
EXPOSE 8000
CMD ["moderation", "serve", "--host", "0.0.0.0", "--workers", "2"]
