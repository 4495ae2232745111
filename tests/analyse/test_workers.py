"""The analysis process pool (analyse/workers.py): a worker that dies or stops answering costs at most one
article, results keep their order, and no worker outlives the run however it ends.

Real worker processes with the real model; texts are invented.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from rashomon.analyse.core import analyse_articles
from rashomon.analyse.workers import analyse_in_pool
from rashomon.records import AnalysedArticle, Article, Failure
from rashomon.settings import Settings


def _articles(count: int) -> list[Article]:
    return [
        Article(
            id=f"a{i:03d}",
            source=f"story-{i}.txt",
            text=f"The ferry to Caster sailed {i} times on Tuesday, the operator said. "
            f'"We will add crews," said Ilse Marrow, who runs the harbour office number {i}.',
        )
        for i in range(count)
    ]


def _children_gone(timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not multiprocessing.active_children():
            return True
        time.sleep(0.1)
    return False


def _hit_a_worker_once(sig: int, started: threading.Event) -> threading.Thread:
    """Once results flow (the workers are ready and busy), send ``sig`` to one worker."""

    def run() -> None:
        started.wait(120)
        children = multiprocessing.active_children()
        if children:
            os.kill(children[0].pid, sig)  # type: ignore[arg-type]

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSTOP], ids=["dies", "hangs"])
def test_workers_lost_worker_costs_no_article(sig: int) -> None:
    articles = _articles(40)
    settings = Settings(article_time_budget=1.0)
    started = threading.Event()
    thread = _hit_a_worker_once(sig, started)
    results: list[AnalysedArticle | Failure] = []
    for result in analyse_in_pool(iter(articles), settings, 2, grace=2.0, start_timeout=60.0):
        results.append(result)
        if len(results) >= 6:  # both workers have most likely loaded the model by now
            started.set()
    thread.join()
    # A killed or frozen worker's task is rerun article by article on a fresh worker: nothing is lost
    # (the articles themselves are fine), nothing is duplicated, the order is the input's.
    assert [r.article.id for r in results if isinstance(r, AnalysedArticle)] == [a.id for a in articles]
    assert _children_gone()


def test_workers_end_when_the_consumer_stops() -> None:
    results = analyse_in_pool(iter(_articles(30)), Settings(), 2)
    first = next(results)
    assert isinstance(first, AnalysedArticle) and first.article.id == "a000"
    results.close()  # the caller raised or stopped early
    assert _children_gone()


def test_workers_exception_in_the_parent_ends_the_run() -> None:
    def articles() -> Iterator[Article]:
        yield from _articles(6)
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError, match="store went away"):
        list(analyse_in_pool(articles(), Settings(), 2))
    assert _children_gone()


def test_workers_failures_named_and_batch_goes_on() -> None:
    articles = _articles(5)
    long_one = articles[2].replace(text="word " * 30_000)
    articles[2] = long_one
    failures: list[Failure] = []
    settings = Settings(max_analysis_chars=100_000)
    done = list(analyse_articles(articles, settings, n_process=2, on_failure=failures.append))
    assert [d.article.id for d in done] == ["a000", "a001", "a003", "a004"]
    [failure] = failures
    assert failure.source == "story-2.txt" and failure.stage == "analyse"
    assert "max_analysis_chars" in failure.reason
    assert _children_gone()
