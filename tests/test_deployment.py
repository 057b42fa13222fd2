"""The image's entry points, run as compose.yaml calls them, and what the image is built from.

No container engine runs on this machine (nor in CI), so each service's command is run here
as a subprocess with its environment from compose.yaml and .env.example, with the database
and Redis mapped to the test's own: migrations reach the head on an empty database, the API
answers on a port, a worker runs a job, the dashboard serves its page. The Dockerfile is
read for what must hold (not root, installs from the lock), and the lock for what the
shipped model bundles were trained with.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis import Redis
from sqlalchemy import Engine, create_engine, make_url

from models.bundle import BundleError, load_bundle
from moderation import queue
from moderation.migrate import alembic_config
from tests.conftest import PG_URL, REDIS_URL
from tests.databases import drop_database, recreate_database

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BUNDLES = (ROOT / "models" / "bundles" / "current", ROOT / "models" / "matching" / "bundle")
TEST_KEY = "a-production-signing-key-for-the-test"
START_TIMEOUT = 90.0


def env_file(path: Path) -> dict[str, str]:
    """A .env file's variables, as compose reads them (KEY=value, # comments)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


DOTENV = env_file(ROOT / ".env.example")
_VAR = re.compile(r"\$\{(\w+)(?:(:?)([-?])([^}]*))?\}")


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} against these variables."""
    def one(m: re.Match[str]) -> str:
        name, colon, op, arg = m.groups()
        present = name in variables and (not colon or variables[name] != "")
        if present:
            return variables[name]
        if op == "?":
            raise AssertionError(f"compose needs {name}: {arg}")
        return arg if op == "-" else ""

    return _VAR.sub(one, value.replace("$$", "\0")).replace("\0", "$")


def service(name: str) -> dict[str, Any]:
    found: dict[str, Any] = COMPOSE["services"][name]
    return found


def environment_of(name: str) -> dict[str, str]:
    """A service's environment, as compose would give it: its env files, then its lines."""
    svc = service(name)
    env: dict[str, str] = {}
    for entry in svc.get("env_file") or []:
        path = entry["path"] if isinstance(entry, dict) else entry
        assert path == ".env"  # the file .env.example is the template of
        env.update(DOTENV)
    env.update({k: interpolate(str(v), DOTENV) for k, v in (svc.get("environment") or {}).items()})
    return env


def local_run(name: str) -> tuple[list[str], dict[str, str]]:
    """A service's command and environment, mapped onto this machine: `moderation` is this
    checkout's command line, the database and Redis the test's own."""
    command = [interpolate(str(part), DOTENV) for part in service(name)["command"]]
    if command[0] == "moderation":
        command = [sys.executable, "-m", "moderation_cli", *command[1:]]
    elif command[0] == "rq-dashboard":
        command = [str(Path(sys.executable).with_name("rq-dashboard")), *command[1:]]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEST_", "DATABASE_", "REDIS_", "RQ_DASHBOARD_"))}
    env.update(environment_of(name))
    env["PYTHONPATH"] = str(ROOT)
    return command, env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def on_local_host(command: list[str], port: int) -> list[str]:
    """The same command, bound to loopback on a free port instead of the container's."""
    out = []
    skip = False
    for i, part in enumerate(command):
        if skip:
            skip = False
            continue
        if part in ("--host", "--bind", "--port") and i + 1 < len(command):
            skip = True
            continue
        out.append(part)
    host = "--bind" if "--bind" in command else "--host"
    return [*out, host, "127.0.0.1", "--port", str(port)]


def wait_for(url: str, process: subprocess.Popen[bytes], *, headers: Mapping[str, str] = {}
             ) -> int:
    """The status the first answer of this URL has, waiting while the process starts."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise AssertionError(f"exited {process.returncode} before answering:\n{out}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=dict(headers)),
                                        timeout=5) as response:
                status: int = response.status
                return status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    # The whole group: uvicorn's --workers are children of the process started here.
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start(command: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=dict(env), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture
def signed_bundle(tmp_path: Path) -> Path:
    """The shipped classifier bundle, signed again with the test's production key as the
    image build does (scripts/sign_bundles.py)."""
    target = tmp_path / "bundle"
    shutil.copytree(BUNDLES[0], target)
    done = subprocess.run([sys.executable, "scripts/sign_bundles.py", str(target)],
                          cwd=ROOT, env={**os.environ, "MODEL_SIGNING_KEY": TEST_KEY,
                                         "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return target


def production_env(name: str, bundle: Path, *, database_url: str = PG_URL) -> tuple[
        list[str], dict[str, str]]:
    """A service's command and environment on the test's database and Redis, with the test's
    signing key and the bundle signed with it."""
    command, env = local_run(name)
    assert env["ENVIRONMENT"] == "production"
    # compose's own addresses are the services'; here they are the test's.
    assert make_url(env["DATABASE_URL"]).host == "db"
    assert env["REDIS_URL"].startswith("redis://redis:")
    env.update(DATABASE_URL=database_url, REDIS_URL=REDIS_URL, MODEL_SIGNING_KEY=TEST_KEY,
               MODEL_DIR=str(bundle))
    return command, env


@pytest.fixture
def empty_database(pg_engine: Engine) -> Iterator[str]:
    """A database of this test's own naming, created empty and dropped after."""
    url = make_url(PG_URL)
    name = f"{url.database}_migrate"
    recreate_database(PG_URL, name)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(PG_URL, name)


def test_compose_starts_every_part_of_the_service_on_one_image() -> None:
    services = COMPOSE["services"]
    assert {"db", "redis", "migrate", "api", "worker", "dashboard"} <= set(services)
    assert services["api"]["command"][:2] == ["moderation", "serve"]
    assert "--workers" in services["api"]["command"]
    assert services["worker"]["deploy"]["replicas"] == 2
    for name in ("migrate", "api", "worker", "dashboard"):
        assert services[name]["image"] == "moderation:latest"
    # Nothing of the service starts before the schema is at head.
    for name in ("api", "worker"):
        assert (services[name]["depends_on"]["migrate"]["condition"]
                == "service_completed_successfully")


def test_migrate_brings_an_empty_database_to_head(empty_database: str, tmp_path: Path,
                                                  signed_bundle: Path) -> None:
    command, env = production_env("migrate", signed_bundle, database_url=empty_database)
    assert command[-1] == "migrate"
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    engine = create_engine(empty_database)
    try:
        with engine.connect() as conn:
            assert [MigrationContext.configure(conn).get_current_revision()] == heads
    finally:
        engine.dispose()


def _serve_has_workers_option() -> bool:
    done = subprocess.run([sys.executable, "-m", "moderation_cli", "serve", "--help"],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    return "--workers" in done.stdout


def test_the_api_answers_as_compose_starts_it(pg_engine: Engine, redis: Redis,
                                              signed_bundle: Path) -> None:
    command, env = production_env("api", signed_bundle)
    if not _serve_has_workers_option():
        pytest.skip("`serve --workers` is not in this checkout yet (it comes with issue 13's "
                    "intake work); compose.yaml already calls it")
    port = free_port()
    process = start(on_local_host(command, port), env)
    try:
        ready = wait_for(f"http://127.0.0.1:{port}/readyz", process)
        assert ready in (200, 404)  # 404: no /readyz in this checkout; /healthz below
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == 200
    finally:
        stop(process)


# Delays each process uvicorn spawns (not the parent) before it can answer the supervisor's
# health check, as a busy host's imports do (10-20 s seen in the container under compose).
SLOW_CHILD = """import sys, time
if "--multiprocessing-fork" in sys.argv:
    time.sleep({seconds})
"""


def test_the_api_answers_when_its_processes_are_slower_to_start_than_uvicorns_default(
        pg_engine: Engine, redis: Redis, signed_bundle: Path, tmp_path: Path) -> None:
    """Uvicorn's supervisor took a process that had not answered within 5 s for hung and
    replaced it: the API's processes never came up under compose on a busy host."""
    command, env = production_env("api", signed_bundle)
    (tmp_path / "sitecustomize.py").write_text(SLOW_CHILD.format(seconds=8), encoding="utf-8")
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    port = free_port()
    process = start(on_local_host(command, port), env)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == 200
    finally:
        stop(process)
    out = process.stdout.read().decode(errors="replace") if process.stdout else ""
    assert "died" not in out, out


def test_production_settings_refuse_the_development_key_at_start(signed_bundle: Path) -> None:
    command, env = production_env("migrate", signed_bundle)
    env.pop("MODEL_SIGNING_KEY")  # the default: the development key
    done = subprocess.run([*command[:-1], "purge"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode != 0
    assert "MODEL_SIGNING_KEY" in done.stderr and "ALLOW_INSECURE" in done.stderr


def test_a_worker_as_compose_starts_it_runs_a_job(pg_engine: Engine, redis: Redis,
                                                  signed_bundle: Path) -> None:
    command, env = production_env("worker", signed_bundle)
    job_id = queue.enqueue(redis, queue.PURGE_RETENTION, lane=queue.Lane.PERIODIC)
    done = subprocess.run([*command, "--burst"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    from rq.job import Job

    job = Job.fetch(job_id, connection=redis)
    assert job.get_status() == "finished", done.stderr
    assert set(job.return_value() or {}) >= {"sessions", "outbox", "offer_versions"}


def test_the_dashboard_serves_its_page_on_the_queue(redis: Redis) -> None:
    command, env = local_run("dashboard")
    assert env["RQ_DASHBOARD_REDIS_URL"].startswith("redis://redis:")
    env["RQ_DASHBOARD_REDIS_URL"] = REDIS_URL
    port = free_port()
    process = start(on_local_host(command, port), env)
    login = base64.b64encode(f"{env['RQ_DASHBOARD_USERNAME']}:"
                             f"{env['RQ_DASHBOARD_PASSWORD']}".encode()).decode()
    try:
        assert wait_for(f"http://127.0.0.1:{port}/", process) == 401  # no login, no queue
        assert wait_for(f"http://127.0.0.1:{port}/", process,
                        headers={"Authorization": f"Basic {login}"}) == 200
    finally:
        stop(process)


# --- what the image is built from -------------------------------------------------------

def test_the_image_runs_as_a_user_of_its_own() -> None:
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, flags=re.MULTILINE)
    assert users, "the image would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    assert final.startswith("${BASE_IMAGE}")  # python:3.11-slim unless another is passed
    assert "USER" in final


def test_the_image_installs_from_the_lock_it_copies() -> None:
    copied = [line for line in DOCKERFILE.splitlines() if line.startswith("COPY ")]
    assert any("constraints.txt" in line.split() for line in copied)
    installs = re.findall(r"pip install[^\n]*", DOCKERFILE)
    assert installs and all("-c constraints.txt" in line for line in installs)


def test_every_data_file_of_the_packages_is_package_data() -> None:
    """A file left out of package-data is missing from the image (a wheel install)."""
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    tracked = subprocess.run(["git", "ls-files", *sorted(data), "workers"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()

    def covered(path: str) -> bool:
        package, _, rest = path.partition("/")
        parts = rest.split("/")
        for pattern in data.get(package, []):
            globs = pattern.split("/")
            if len(globs) == len(parts) and all(
                    fnmatch.fnmatchcase(p, g) for p, g in zip(parts, globs, strict=True)):
                return True
        return False

    missing = [p for p in tracked if not p.endswith((".py", ".md")) and not covered(p)]
    assert missing == []


# --- the lock and the model bundles -------------------------------------------------------

def pinned() -> dict[str, str]:
    """The versions constraints.txt pins, by normalised name."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


# The names a bundle's manifest records its libraries under, as pip knows them.
DISTRIBUTION = {"sklearn": "scikit-learn", "numpy": "numpy", "scipy": "scipy",
                "joblib": "joblib", "rapidfuzz": "rapidfuzz"}


def minor(version: str) -> list[str]:
    return version.split(".")[:2]


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.parent.name)
def test_each_shipped_bundle_was_made_with_the_versions_the_lock_pins(bundle: Path) -> None:
    """A bundle refuses to load under another scikit-learn minor (and a pickle of another
    numpy may not load at all): retrain with `moderation train` when this fails."""
    recorded = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))["libraries"]
    pins = pinned()
    disagree = {lib: (version, pins[DISTRIBUTION[lib]]) for lib, version in recorded.items()
                if lib in DISTRIBUTION and minor(version) != minor(pins[DISTRIBUTION[lib]])}
    assert disagree == {}, f"{bundle}: trained with / pinned {disagree}"
    assert "scikit-learn" in pins and "sklearn" in recorded
    # And with the Python the image runs: both stages on the base, python:X.Y-slim unless
    # another is passed (deploy/local-base.sh's is Debian bookworm's, 3.11 too).
    assert set(re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE)) == {"${BASE_IMAGE}"}
    image_python = re.findall(r"^ARG BASE_IMAGE=python:(\d+\.\d+)", DOCKERFILE,
                              flags=re.MULTILINE)
    assert set(image_python) == {".".join(minor(recorded["python"]))}


def test_the_lock_pins_everything_pyproject_asks_for() -> None:
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"],
              *(r for extra in project["optional-dependencies"].values() for r in extra)]
    names = {re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=~!;]", r, maxsplit=1)[0]).lower()
             for r in wanted}
    assert names - set(pinned()) == set()


def test_a_bundle_signed_again_loads_under_the_new_key_only(signed_bundle: Path) -> None:
    assert load_bundle(signed_bundle, signing_key=TEST_KEY.encode()).version
    with pytest.raises(BundleError, match="signature"):
        load_bundle(signed_bundle, signing_key=b"moderation-dev-model-signing-key")
