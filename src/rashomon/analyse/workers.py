"""Parsing on several processes, in a pool that this module controls.

spaCy's own ``nlp.pipe(..., n_process=N)`` cannot lose one article: an exception in the parent while the
workers are blocked writing to their pipes makes it join them forever, and a worker that raises or dies
ends the whole batch. Here each worker is a process of our own that loads the model once, takes a few
articles at a time as JSON, analyses them inside the per-article failure boundary and sends the
analyses (or failures) back as JSON. The parent:

- gives each task a deadline (the per-article time budget times the articles in it, plus a grace) and
  kills a worker that overruns it;
- reruns the articles of a task whose worker died or overran one by one, so that only the article that
  kills a worker fails ("the analysis process died"), and restarts the worker;
- yields results in input order, holding a bounded number of them;
- ends every worker when it stops, however it stops (exhausted, an exception, Ctrl-C, abandoned).

Workers are started with ``spawn``: a fresh interpreter has none of the parent's threads or locks (a
``fork`` of a process running a web server or torch threads can deadlock), at the cost of loading the
model once per worker (about a second).
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from rashomon.errors import RashomonError
from rashomon.records import AnalysedArticle, Analysis, Article, Failure
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

TASK_SIZE = 4  # articles sent to a worker at once: enough to batch the parse, few to rerun on a crash
_START_TIMEOUT = 300.0  # seconds a worker may take to import spaCy and load the model
_GRACE = 30.0  # seconds added to every task's deadline (the worker's own budget fires first)
_START_RETRIES = 3  # workers that may die while starting before the run gives up


class WorkerStartFailed(RashomonError):
    """An analysis worker could not load the model."""


def _worker_main(conn: Connection, settings_json: str) -> None:
    """A worker: load the model, then analyse tasks until told to stop (an empty message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from rashomon.analyse.core import analyse_batch, prepare
    from rashomon.analyse.nlp import load_model

    try:
        settings = Settings(**json.loads(settings_json))
        nlp = prepare(load_model(settings.model))
    except Exception as exc:  # the parent reports it and stops the run
        conn.send_bytes(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
        return
    conn.send_bytes(b'{"ready": true}')
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not message:
            return
        task = json.loads(message)
        articles = [Article.from_dict(a) for a in task["articles"]]
        results = []
        for result in analyse_batch(articles, settings, nlp, strict=False):
            if isinstance(result, Failure):
                results.append({"failure": result.to_dict()})
            else:
                results.append({"analysis": result.analysis.to_dict()})
        conn.send_bytes(json.dumps({"task": task["task"], "results": results}, ensure_ascii=False).encode())


class _Worker:
    def __init__(self, context: Any, settings_json: str) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, settings_json), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        self.task: list[int] | None = None  # sequence numbers of the articles it is working on
        self.task_id = -1
        self.deadline = 0.0

    def stop(self) -> None:
        """End the worker: an idle one is asked to exit, a busy or starting one (whose work is abandoned)
        is killed at once."""
        if not (self.ready and self.task is None):
            self.kill()
            return
        with contextlib.suppress(OSError):
            self.conn.send_bytes(b"")
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def analyse_in_pool(
    articles: Iterable[Article],
    settings: Settings,
    processes: int,
    *,
    grace: float = _GRACE,
    start_timeout: float = _START_TIMEOUT,
) -> Iterator[AnalysedArticle | Failure]:
    """Analyse articles on ``processes`` worker processes; results (or failures) in input order.

    ``grace`` is added to each task's deadline (the articles' time budgets) before its worker is killed.
    """
    context = multiprocessing.get_context("spawn")
    settings_json = settings.model_dump_json()
    budget = settings.article_time_budget if settings.article_time_budget > 0 else 3600.0
    workers = [_Worker(context, settings_json) for _ in range(processes)]
    source = iter(articles)
    exhausted = False
    by_seq: dict[int, Article] = {}
    done: dict[int, AnalysedArticle | Failure] = {}
    queue: deque[list[int]] = deque()  # tasks waiting for a worker (reruns first)
    next_seq = next_out = 0
    task_ids = 0
    start_failures = 0
    limit = processes * TASK_SIZE * 4  # articles read but not yet yielded

    def refill() -> None:
        nonlocal exhausted, next_seq
        while not exhausted and len(by_seq) < limit and len(queue) < processes * 2:
            task: list[int] = []
            for article in source:
                by_seq[next_seq] = article
                task.append(next_seq)
                next_seq += 1
                if len(task) >= TASK_SIZE:
                    break
            else:
                exhausted = True
            if task:
                queue.append(task)

    def restart(worker: _Worker) -> None:
        index = workers.index(worker)
        worker.kill()
        workers[index] = _Worker(context, settings_json)

    def lost(worker: _Worker, reason: str) -> None:
        """The worker died or overran: rerun its articles one by one, or fail the one it was on."""
        task = worker.task or []
        if len(task) > 1:
            for seq in reversed(task):
                queue.appendleft([seq])
        else:
            for seq in task:
                done[seq] = Failure(source=by_seq[seq].source, reason=reason, stage="analyse")
        restart(worker)

    try:
        while True:
            refill()
            now = time.monotonic()
            for worker in workers:
                if worker.ready and worker.task is None and queue:
                    task = queue.popleft()
                    task_ids += 1
                    payload = {"task": task_ids, "articles": [by_seq[s].to_dict() for s in task]}
                    try:
                        worker.conn.send_bytes(json.dumps(payload, ensure_ascii=False).encode())
                    except OSError:  # it died while idle: the task goes to its replacement
                        queue.appendleft(task)
                        restart(worker)
                        continue
                    worker.task, worker.task_id = task, task_ids
                    worker.deadline = now + budget * len(task) + grace
            while next_out in done:
                result = done.pop(next_out)
                by_seq.pop(next_out, None)
                next_out += 1
                yield result
            busy = [w for w in workers if w.task is not None or not w.ready]
            if exhausted and not queue and next_out == next_seq:
                return
            if not busy:
                continue
            deadlines = [w.deadline if w.ready else w.started + start_timeout for w in busy]
            timeout = max(0.0, min(deadlines) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout=timeout)
            for worker in busy:
                if worker.conn in ready:
                    try:
                        message = json.loads(worker.conn.recv_bytes())
                    except (EOFError, OSError):
                        code = worker.process.exitcode
                        if not worker.ready:
                            # Killed while loading the model (out of memory, an operator): start another,
                            # a few times; a model that cannot load says so in an "error" message instead.
                            start_failures += 1
                            if start_failures > _START_RETRIES:
                                raise WorkerStartFailed(
                                    f"analysis processes keep ending while starting (exit code {code})"
                                ) from None
                            restart(worker)
                            continue
                        lost(worker, f"the analysis process died on this article (exit code {code})")
                        continue
                    if "error" in message:
                        raise WorkerStartFailed(f"an analysis process could not start: {message['error']}")
                    if message.get("ready"):
                        worker.ready = True
                        continue
                    for seq, result in zip(worker.task or [], message["results"], strict=True):
                        if "failure" in result:
                            done[seq] = Failure.from_dict(result["failure"])
                        else:
                            done[seq] = AnalysedArticle(
                                article=by_seq[seq], analysis=Analysis.from_dict(result["analysis"])
                            )
                    worker.task = None
                elif worker.ready and time.monotonic() > worker.deadline:
                    lost(
                        worker,
                        f"analysis took longer than its {budget:g} s time budget (setting article_time_budget); "
                        "its process was stopped",
                    )
                elif not worker.ready and time.monotonic() > worker.started + start_timeout:
                    start_failures += 1
                    if start_failures > _START_RETRIES:
                        raise WorkerStartFailed(f"analysis processes do not start within {start_timeout:g} s")
                    restart(worker)
    finally:
        for worker in workers:
            worker.stop()
