"""The active alerts in memory, by lookup key: what a screening batch checks its offers against.

Active alerts are few (hundreds to a few thousand) and change rarely, while screening runs
thousands of offers a second; so each worker's screener keeps their profiles
(judge.AlertProfile) and a map from every lookup key to the alerts it finds, in an
ActiveAlertsCache. One small query per batch - the count, the highest id and the latest
change of active alerts - tells whether the map still holds:
every change to an alert (store_alerts, a status change) sets its updated_at, so a worker
sees another's import or withdrawal at its next batch.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import AlertStatus
from moderation.safety.judge import AlertProfile, profile_of
from moderation.tables import AlertCode, SafetyAlert


@dataclass(frozen=True)
class ActiveAlerts:
    """Profiles of the active alerts and the alerts each lookup key finds."""

    fingerprint: tuple[Any, ...] = ()
    profiles: dict[int, AlertProfile] = field(default_factory=dict)
    by_key: dict[str, frozenset[int]] = field(default_factory=dict)

    def alerts_for(self, keys: Iterable[str]) -> set[int]:
        """The alerts sharing a lookup key with an offer having these keys."""
        found: set[int] = set()
        for key in keys:
            ids = self.by_key.get(key)
            if ids:
                found.update(ids)
        return found


def _fingerprint(session: Session) -> tuple[Any, ...]:
    count, highest, latest = session.execute(
        select(func.count(SafetyAlert.id), func.max(SafetyAlert.id),
               func.max(SafetyAlert.updated_at))
        .where(SafetyAlert.status == AlertStatus.ACTIVE.value)).one()
    # The database too: tests and evaluations point one process at several.
    return (str(session.get_bind().engine.url), int(count), highest, latest)


class ActiveAlertsCache:
    """The active alerts last built, shared by a process's screening threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: ActiveAlerts | None = None

    def current(self, session: Session) -> ActiveAlerts:
        """The active alerts as of this session; rebuilt only when they changed."""
        fingerprint = _fingerprint(session)
        built = self._built
        if built is not None and built.fingerprint == fingerprint:
            return built
        with self._lock:
            if self._built is not None and self._built.fingerprint == fingerprint:
                return self._built
            self._built = _build(session, fingerprint)
            return self._built


def _build(session: Session, fingerprint: tuple[Any, ...]) -> ActiveAlerts:
    alerts = list(session.scalars(select(SafetyAlert)
                                  .where(SafetyAlert.status == AlertStatus.ACTIVE.value)
                                  .order_by(SafetyAlert.id)))
    gtins: dict[int, list[str]] = defaultdict(list)
    for alert_id, value in session.execute(
            select(AlertCode.alert_id, AlertCode.value)
            .join(SafetyAlert, SafetyAlert.id == AlertCode.alert_id)
            .where(SafetyAlert.status == AlertStatus.ACTIVE.value, AlertCode.kind == "gtin")):
        gtins[alert_id].append(value)
    profiles = {a.id: profile_of(a, gtins[a.id]) for a in alerts}
    by_key: dict[str, set[int]] = defaultdict(set)
    for alert_id, profile in profiles.items():
        for keys in profile.lookups().values():
            for key in keys:
                by_key[key].add(alert_id)
    return ActiveAlerts(fingerprint, profiles, {k: frozenset(v) for k, v in by_key.items()})
