"""What the command line prints: JSON on stdout (whole or streamed), tables, and lines on stderr.

All article text, titles and file names are hostile: they are printed as plain text (Rich ``Text``),
never as markup, and anything that is not valid UTF-8 is escaped so that the output always is.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from rashomon.records import Article, Failure, failures_by_stage

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """Text that prints as valid UTF-8 whatever it holds (an undecodable byte of a file name is kept as a
    lone surrogate by Python: it is written as ``\\udcff``)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(payload: Any) -> str:
    return safe_text(json.dumps(payload, ensure_ascii=False, indent=2))


class Sink:
    """Where results go: stdout, or the file given with ``-o`` (written whole, or not at all)."""

    def __init__(self, path: str | None, label: str = "output") -> None:
        self.path = Path(path) if path else None
        self.label = label
        self._handle: IO[bytes] | None = None
        self._partial: Path | None = None

    def write(self, text: str) -> None:
        data = safe_text(text).encode("utf-8")
        if self.path is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        if self._handle is None:
            self._partial = self.path.with_name(self.path.name + ".part")
            self._handle = open(self._partial, "wb")  # noqa: SIM115 - closed in finish()
        self._handle.write(data)

    @property
    def console(self) -> Console:
        """A Rich console that prints into this sink (tables into ``-o FILE`` too)."""
        if self.path is None:
            return out
        return Console(file=_SinkFile(self), soft_wrap=True, width=120, color_system=None)

    def finish(self, ok: bool = True) -> None:
        """Move the written file into place (or drop it, when the run failed)."""
        if self._handle is None:
            return
        self._handle.close()
        assert self._partial is not None and self.path is not None
        if ok:
            self._partial.replace(self.path)
            err.print(Text(f"{self.label} written to {safe_text(str(self.path))}"))
        else:
            self._partial.unlink(missing_ok=True)


class _SinkFile:
    """The file-like object a Rich console writes to."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    def write(self, text: str) -> int:
        self._sink.write(text)
        return len(text)

    def flush(self) -> None:
        pass


@contextmanager
def sink_to(path: str | None, label: str = "output"):  # type: ignore[no-untyped-def]
    sink = Sink(path, label)
    try:
        yield sink
    except BaseException:
        sink.finish(ok=False)
        raise
    sink.finish()


def print_json(sink: Sink, payload: dict[str, Any]) -> None:
    sink.write(json_text(payload) + "\n")


def stream_json(sink: Sink, key: str, items: Iterable[dict[str, Any]], extra: dict[str, Any] | None = None) -> int:
    """Write ``{key: [items...], **extra}`` as it comes, item by item: byte for byte what ``print_json``
    writes for the whole list, with one item in memory at a time. Returns how many items were written."""
    count = 0
    for item in items:
        body = "\n".join("    " + line for line in json_text(item).split("\n"))
        sink.write(("{\n" + f'  "{key}": [\n' if count == 0 else ",\n") + body)
        count += 1
    tail = ""
    for name, value in (extra or {}).items():
        tail += f",\n  {json.dumps(name)}: " + json_text(value).replace("\n", "\n  ")
    sink.write(("\n  ]" if count else "{\n" + f'  "{key}": []') + tail + "\n}\n")
    return count


def error_line(message: str) -> None:
    err.print(Text.assemble(("error:", "red"), " ", safe_text(message)), highlight=False)


def report_failures(failures: list[Failure]) -> None:
    for failure in failures:
        if failure.skipped:
            where = f"skipped ({failure.stage})"
        else:
            where = "failed" if failure.stage == "read" else f"failed ({failure.stage})"
        err.print(
            Text.assemble(
                (f"{where}:", "dim" if failure.skipped else "yellow"),
                " ",
                safe_text(failure.source),
                ": ",
                safe_text(failure.reason),
            ),
            highlight=False,
        )


def failed_summary(failures: list[Failure]) -> str:
    """ "3 failed (extract 2, analyse 1), 2 skipped (not English: fr 1, zh 1)"."""
    real = [f for f in failures if not f.skipped]
    skipped = [f for f in failures if f.skipped]
    text = "0 failed"
    if real:
        text = f"{len(real)} failed ({', '.join(f'{s} {n}' for s, n in failures_by_stage(real).items())})"
    if skipped:
        reasons: dict[str, int] = {}
        for failure in skipped:
            key = failure.error or "skipped"
            reasons[key] = reasons.get(key, 0) + 1
        text += f", {len(skipped)} skipped ({', '.join(f'{k} {n}' for k, n in sorted(reasons.items()))})"
    return text


def exit_code(succeeded: int, failures: list[Failure], strict: bool) -> int:
    failed = sum(1 for f in failures if not f.skipped)
    if failed and (strict or succeeded == 0):
        return 1
    return 0


def article_table(articles: list[Article], *, with_source: bool, sink: Sink | None = None) -> None:
    if not articles:
        return
    table = Table(show_lines=False, expand=False)
    table.add_column("source" if with_source else "id", overflow="fold", max_width=40)
    for name in ("published", "outlet", "title", "author", "lang", "words"):
        table.add_column(name, overflow="fold")
    if not with_source:
        table.add_column("carried by", overflow="fold")
    for a in articles:
        row = [
            a.source if with_source else a.id,
            a.published or "",
            a.outlet or "",
            a.title or "",
            a.author or "",
            a.language or "",
            str(len(a.text.split())),
        ]
        if not with_source:
            row.append(", ".join(dict.fromkeys(c.outlet or c.source for c in a.carriers)))
        table.add_row(*(Text(safe_text(cell)) for cell in row))  # article text is hostile: never markup
    (sink.console if sink else out).print(table)


def event_table(events: list[Any], sink: Sink | None = None) -> None:
    table = Table(show_lines=True)
    for name in ("event", "dates", "title", "outlets", "articles"):
        table.add_column(name, overflow="fold")
    for event in events:
        dates = event.start or ""
        if event.end and event.end != event.start:
            dates += f" – {event.end}"
        table.add_row(
            event.id,
            dates,
            Text(safe_text(event.title or "")),
            Text(safe_text(", ".join(event.outlets))),
            Text(safe_text("\n".join(a.source for a in event.articles))),
        )
    (sink.console if sink else out).print(table)


def _when(moment: Any, now: Any) -> str:
    """``12:15:00 (in 15m)``: a due time in local time, and how far off it is."""
    import datetime as dt
    import math

    from rashomon.ingest.watch import describe_interval

    wait = dt.timedelta(seconds=math.ceil(max(moment - now, dt.timedelta(0)).total_seconds()))
    return f"{moment.astimezone():%Y-%m-%d %H:%M:%S} (in {describe_interval(wait)})"


def print_poll(poll: Any, now: Any) -> None:
    """One line on stderr per polled feed: what came of it, and when it is due again."""
    if poll.status == "new":
        what = f"{poll.new} new of {poll.entries} entries ({poll.stored} stored, {poll.failed} failed)"
    elif poll.status == "unchanged":
        what = f"nothing new ({poll.entries} entries, all seen)"
    elif poll.status == "not_modified":
        what = "not modified (304)"
    elif poll.status == "listed":
        what = f"OPML list of {len(poll.listed)} feeds"
    else:
        what = f"failed ({poll.failures} in a row): {poll.error}"
    line = Text.assemble(
        ("feed ", "bold"),
        poll.url,
        ": ",
        (what, "red" if poll.status == "failed" else ""),
        f"; {'next try' if poll.status == 'failed' else 'next poll'} {_when(poll.due_at, now)}" if poll.due_at else "",
    )
    if poll.moved_to:
        line.append(f" (moved permanently to {poll.moved_to}: followed there from now on)")
    err.print(Text(safe_text(line.plain), spans=line.spans))


def print_round(polls: list[Any], summary: Any, next_due: Any, now: Any) -> None:
    """The round's summary line on stderr: feeds by outcome, what the store gained, the next poll."""
    count = {
        s: sum(1 for p in polls if p.status == s) for s in ("new", "unchanged", "not_modified", "failed", "listed")
    }
    failed = [f for f in summary.failures if not f.skipped]
    parts = [
        f"{len(polls)} feeds polled: {count['new']} with new entries, {count['not_modified']} not modified, "
        f"{count['unchanged']} unchanged, {count['failed']} failed",
        f"{summary.added} added, {summary.duplicate + summary.republished} copies of stored articles, "
        f"{summary.analysed} analysed, {summary.clustered} clustered, {len(failed)} entries failed",
    ]
    if next_due is not None:
        parts.append(f"next poll {_when(next_due, now)}")
    err.print(Text(safe_text("; ".join(parts))))
