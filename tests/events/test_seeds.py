"""The two seed scrapes (../shared/seeds, third-party text read at test time, never copied here): an
ITAR-TASS preview of the 2012 OSCE ministerial in Dublin and The Moscow Times' report of it are one event."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.pipeline import cluster_sources
from rashomon.settings import Settings


def test_seeds_preview_and_report_one_event(seeds_dir: Path) -> None:
    sources = [sorted(seeds_dir.glob(f"{prefix}_*")) for prefix in ("000", "001")]
    if not all(sources):
        pytest.skip(f"seed files 000_* and 001_* not found in {seeds_dir}")
    events, analysed, failures = cluster_sources([str(found[0]) for found in sources], Settings())
    assert failures == [] and len(analysed) == 2
    [event] = events
    assert {a.source for a in event.articles} == {str(found[0]) for found in sources}
    assert set(event.outlets) == {"ITAR-TASS", "The Moscow Times"}
    assert (event.start, event.end) == ("2012-12-06", "2012-12-06")
