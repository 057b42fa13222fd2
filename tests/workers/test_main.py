"""The worker process's start: rules and model loaded once, then kept out of the GC's walks."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from moderation.runtime import Runtime
from workers.main import settle_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process keeps collecting as usual


def test_settle_heap_loads_the_artifacts_and_freezes_them(unfrozen: None, runtime: Runtime
                                                         ) -> None:
    assert gc.get_freeze_count() == 0
    settle_heap(runtime)
    artifacts = runtime.screener.current()
    assert artifacts.ruleset.rules and artifacts.classifier.version
    assert gc.get_freeze_count() > 0
    assert not gc.is_tracked(artifacts) or all(  # loaded objects sit in the permanent generation
        artifacts is not o for o in gc.get_objects(generation=2))
