"""The floors of the house, written down once: a room imports only rooms on its own floor or
below, and rooms on a floor of peers do not import each other.

Every `import` statement counts, also one inside a function; a module loaded by its dotted
name as a string (importlib) is not an import and is not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The project's packages, lowest first: each imports only itself and the ones below it.
PACKAGES: tuple[frozenset[str], ...] = (
    frozenset({"rules"}),
    frozenset({"models"}),
    frozenset({"moderation"}),
    frozenset({"api", "workers"}),  # peers: neither imports the other
    frozenset({"moderation_cli"}),  # the command line, composing them all
)
PEER_PACKAGES = frozenset({frozenset({"api", "workers"})})

# The rooms of `moderation` (its modules and subpackages), lowest floor first.
FLOORS: dict[str, frozenset[str]] = {
    # The package's face and what everything is written in: settings, errors, the domain's
    # types, the tables, the engine (with what a concurrent write's failure means), the
    # routing policy, the logging set-up, the marketplace's clock (Warsaw's days).
    "base": frozenset({"__init__", "config", "errors", "domain", "tables", "db", "conflicts",
                       "retries", "policy", "migrate", "settings_checks", "logs",
                       "local_time"}),
    # What every programme uses: the audit log, the outbox and its delivery, the queue, the
    # jobs that follow a commit and the sweep of pending work, a bulk import's way through
    # an outage (outage: chunks committed once, their jobs sent again), the API's input schemas,
    # accounts, offers taken in, the statements of reasons every programme writes and their
    # submission to the Transparency Database, retention (what stops being kept, across the
    # tables) and the metrics every room counts in. (schemas and intake lean on each other:
    # schemas checks barcodes with intake.barcodes, intake reads schemas.OfferIn;
    # outbox.notify_seller writes a statement, statements write their messages through
    # outbox.notify.)
    "shared": frozenset({"audit", "outbox", "delivery", "queue", "jobs", "pending", "outage",
                         "schemas",
                         "accounts", "intake", "statements", "transparency_db", "retention",
                         "metrics"}),
    # The case store every programme stands on.
    "cases": frozenset({"cases"}),
    # The programmes, peers. Safety does not import protection either: what both need goes
    # down into cases or shared, and what a decision sets off in a programme reaches it
    # through cases.DecisionFollowups.
    "programmes": frozenset({"protection", "safety", "review", "appeals", "buyers",
                             "support"}),
    # The reports read what every programme stored (and safety's working-day calendar), so
    # they stand above the programmes; they need nothing of screening or the runtime, and
    # nothing below them may reach for them.
    "reports": frozenset({"reports"}),
    # Screening routes offers into every programme.
    "screening": frozenset({"screening"}),
    # What a process builds once at start and hands down: engine, Redis, the screener.
    "runtime": frozenset({"runtime"}),
    # What composes the rest.
    "top": frozenset({"cli", "cli_eval", "cli_reports", "cli_tdb", "cli_users", "demo",
                      "programmes",
                      "migrations"}),
}
PEER_FLOORS = frozenset({"programmes"})


@dataclass(frozen=True, slots=True)
class Import:
    module: str  # the importing module, dotted
    line: int
    target: str  # the module imported, dotted


def modules_under(root: Path, packages: frozenset[str]) -> dict[str, str]:
    """Every Python module of these packages by its dotted name, with its source."""
    found = {}
    for package in sorted(packages):
        module = root / f"{package}.py"  # a package of one module
        for path in [module] if module.is_file() else sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path.read_text(encoding="utf-8")
    return found


def imports_in(modules: Mapping[str, str], *, packages: frozenset[str]) -> Iterator[Import]:
    """Every import of a module of these packages, at any depth of the code."""
    known = set(modules)
    for module, source in modules.items():
        is_package = any(other.startswith(module + ".") for other in known)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, node, is_package=is_package)
                # `from pkg import name` imports the module pkg.name when there is one.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                           for a in node.names]
            else:
                continue
            for target in targets:
                if target.split(".")[0] in packages:
                    yield Import(module, node.lineno, target)


def _absolute(module: str, node: ast.ImportFrom, *, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[:len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def room_of(module: str) -> str:
    """The room of a module of `moderation`: its first name below the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def floor_of(room: str, floors: Mapping[str, frozenset[str]]) -> int | None:
    return next((i for i, rooms in enumerate(floors.values()) if room in rooms), None)


def climbs(imports: Iterator[Import], floors: Mapping[str, frozenset[str]],
           peers: frozenset[str]) -> list[str]:
    """The imports of `moderation` that reach a higher floor, or a peer on a floor of peers."""
    names = list(floors)
    found = []
    for imp in imports:
        if imp.target.split(".")[0] != "moderation" or imp.module.split(".")[0] != "moderation":
            continue
        here, there = room_of(imp.module), room_of(imp.target)
        if here == there:
            continue
        low, high = floor_of(here, floors), floor_of(there, floors)
        if low is None or high is None:
            found.append(f"{imp.module}:{imp.line} imports {imp.target}: "
                         f"{here if low is None else there} has no floor")
        elif high > low or (high == low and names[low] in peers):
            why = "a higher floor" if high > low else "a peer"
            found.append(f"{imp.module}:{imp.line} imports {imp.target}: {here} "
                         f"({names[low]}) may not import {there} ({names[high]}), {why}")
    return found


def package_climbs(imports: Iterator[Import], packages: tuple[frozenset[str], ...],
                   peers: frozenset[frozenset[str]]) -> list[str]:
    """The imports that reach a higher package, or a peer package."""
    level = {name: i for i, group in enumerate(packages) for name in group}
    found = []
    for imp in imports:
        here, there = imp.module.split(".")[0], imp.target.split(".")[0]
        if here == there:
            continue
        peer = level[here] == level[there] and any(here in g and there in g for g in peers)
        if level[there] > level[here] or peer:
            found.append(f"{imp.module}:{imp.line} imports {imp.target}: {here} may not "
                         f"import {there}")
    return found


ALL_PACKAGES = frozenset().union(*PACKAGES)


def _project_imports() -> list[Import]:
    modules = modules_under(ROOT, ALL_PACKAGES)
    return list(imports_in(modules, packages=ALL_PACKAGES))


def test_every_room_of_moderation_has_a_floor() -> None:
    rooms = {room_of(m) for m in modules_under(ROOT, frozenset({"moderation"}))}
    written = frozenset().union(*FLOORS.values())
    assert sorted(rooms - written) == [], "rooms with no floor: add them to FLOORS"
    assert sorted(written - rooms) == [], "floors name rooms that are gone"
    assert sum(len(r) for r in FLOORS.values()) == len(written), "a room on two floors"


def test_no_room_of_moderation_imports_a_higher_floor_or_a_peer() -> None:
    assert climbs(iter(_project_imports()), FLOORS, PEER_FLOORS) == []


def test_packages_import_one_way() -> None:
    assert package_climbs(iter(_project_imports()), PACKAGES, PEER_PACKAGES) == []


def test_a_climbing_import_is_reported_with_where_it_stands() -> None:
    fake = {
        "moderation.cases": "",
        "moderation.cases.opening": (
            "from moderation import audit\n"
            "def open_it():\n"
            "    from moderation.review import decisions\n"),
        "moderation.review": "",
        "moderation.review.decisions": "from moderation.cases import opening\n",
        "moderation.safety": "",
        "moderation.safety.matching": "from ..protection import notices\n",
        "moderation.protection": "",
        "moderation.protection.notices": (
            "import importlib\n"
            "importlib.import_module('moderation.screening.batches')\n"),
        "moderation.audit": "",
        "models": "",
        "models.bundle": "import moderation.cases\n",
        "rules": "",
        "rules.types": "from api import app\n",
        "api": "",
        "api.app": "from workers import tasks\n",
        "workers": "",
        "workers.tasks": "",
    }
    imports = list(imports_in(fake, packages=ALL_PACKAGES))
    assert climbs(iter(imports), FLOORS, PEER_FLOORS) == [
        "moderation.cases.opening:3 imports moderation.review.decisions: cases (cases) may "
        "not import review (programmes), a higher floor",
        "moderation.safety.matching:1 imports moderation.protection.notices: safety "
        "(programmes) may not import protection (programmes), a peer",
    ]
    assert package_climbs(iter(imports), PACKAGES, PEER_PACKAGES) == [
        "models.bundle:1 imports moderation.cases: models may not import moderation",
        "rules.types:1 imports api.app: rules may not import api",
        "api.app:1 imports workers.tasks: api may not import workers",
    ]
