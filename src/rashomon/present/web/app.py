"""``rashomon serve``: server-rendered pages and a JSON API (``/api/v1``) over the store.

Pages are Jinja2 templates with autoescaping (every piece of article text is escaped), readable without
JavaScript, with nothing loaded from another host; every response carries a Content-Security-Policy that
allows no script at all. The JSON API has the shapes of the CLI's ``--format json`` and pagination; FastAPI
serves its OpenAPI description at ``/docs``. Comparisons are computed on the first request for an event
and kept until the event changes (its size or end date).
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from rashomon.records import ComparedEvent, Event
from rashomon.settings import Settings

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
PAGE_SIZE = 50
MAX_PAGE = 500
MAX_URLS = 200  # per ingest request


class Comparisons:
    """Comparisons of stored events, computed once per version of an event (its size and end date)."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[tuple[Any, ...], ComparedEvent | None, Event | None]] = {}
        self._lock = threading.Lock()

    def get(self, store: Any, settings: Settings, event_id: int) -> tuple[ComparedEvent | None, Event | None]:
        from rashomon.pipeline import compare_stored

        row = store.event_row(event_id)
        if row is None:
            return None, None
        version = (int(row["id"]), row["size"], row["end"])
        with self._lock:
            cached = self._done.get(int(row["id"]))
            if cached is not None and cached[0] == version:
                return cached[1], cached[2]
            compared, event = compare_stored(store, settings, int(row["id"]))
            self._done[int(row["id"])] = (version, compared, event)
            return compared, event


class IngestRequest(BaseModel):
    urls: list[str] = Field(..., min_length=1, max_length=MAX_URLS)


class Jobs:
    """Ingest jobs run one at a time in a background thread; their state is kept in memory."""

    def __init__(self) -> None:
        self._jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._queue: list[tuple[str, Any, Settings, list[str]]] = []
        self._worker: threading.Thread | None = None

    def start(self, store: Any, settings: Settings, urls: list[str], owner: str) -> dict[str, Any]:
        import secrets

        job_id = secrets.token_hex(8)
        with self._lock:
            self._jobs[job_id] = {"id": job_id, "status": "queued", "urls": len(urls), "by": owner}
            self._queue.append((job_id, store, settings, urls))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, daemon=True)
                self._worker.start()
            return dict(self._jobs[job_id])

    def get(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return dict(job) if job else None

    def _run(self) -> None:
        from rashomon.ingest import Fetcher
        from rashomon.pipeline import ingest

        while True:
            with self._lock:
                if not self._queue:
                    return
                job_id, store, settings, urls = self._queue.pop(0)
                self._jobs[job_id]["status"] = "running"
            try:
                with Fetcher(settings) as fetcher:
                    summary = ingest(urls, settings, store, fetcher)
                result = {
                    "status": "done",
                    "added": summary.added,
                    "analysed": summary.analysed,
                    "clustered": summary.clustered,
                    "duplicate": summary.duplicate + summary.republished,
                    "failures": [f.to_dict() for f in summary.failures],
                }
            except Exception as exc:  # a job's boundary: the server goes on
                result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
            with self._lock:
                self._jobs[job_id].update(result)


def create_app(settings: Settings) -> FastAPI:
    """The app on the store ``settings.db`` names (opened once, closed at shutdown)."""
    from rashomon.store import Store

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        app.state.store = Store.open(settings, mode="auto")
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(title="Rashomon", summary="News reports compared event by event", lifespan=lifespan)
    # Searches scan the store (no full-text index yet): two at a time, so that a burst of them queues
    # instead of holding every database connection until the pool times out.
    searching = threading.BoundedSemaphore(2)

    def search(request: Request, q: str, limit: int) -> dict[str, Any]:
        with searching:
            return store(request).search(q, limit=limit)

    app.state.comparisons = Comparisons()
    app.state.jobs = Jobs()
    folder = resources.files("rashomon.present.web")
    templates = Jinja2Templates(directory=str(folder / "templates"))
    app.mount("/static", StaticFiles(directory=str(folder / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        if not request.url.path.startswith("/docs") and request.url.path != "/openapi.json":
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def store(request: Request) -> Any:
        return request.app.state.store

    def compared(request: Request, event_id: int) -> tuple[ComparedEvent | None, Event]:
        result, event = request.app.state.comparisons.get(store(request), settings, event_id)
        if event is None:
            raise HTTPException(404, f"no event {event_id}")
        return result, event

    # ------------------------------------------------------------------------------------------- API

    @app.get("/api/v1/events", tags=["events"])
    def api_events(
        request: Request,
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0),
        min_size: int = Query(1, ge=1),
    ) -> dict[str, Any]:
        """Stored events, most recent first (the shape of ``rashomon events --format json``)."""
        rows = store(request).list_events(limit=limit, offset=offset, min_size=min_size)
        keys = ("title", "start", "end", "outlets", "size")
        return {
            "events": [{"id": str(r["id"]), **{k: r[k] for k in keys}} for r in rows],
            "limit": limit,
            "offset": offset,
        }

    @app.get("/api/v1/events/{event_id}", tags=["events"])
    def api_event(request: Request, event_id: int) -> dict[str, Any]:
        """One event with its articles (the shape of ``rashomon event ID --format json``)."""
        from rashomon.pipeline import stored_event

        event = stored_event(store(request), event_id)
        if event is None:
            raise HTTPException(404, f"no event {event_id}")
        return {"events": [event.summary()]}

    @app.get("/api/v1/events/{event_id}/comparison", tags=["events"])
    def api_comparison(request: Request, event_id: int) -> dict[str, Any]:
        """How the reports of one event differ (the shape of ``rashomon compare --event ID --format json``);
        ``events`` is empty when fewer than two outlets reported it."""
        result, _ = compared(request, event_id)
        return {"events": [result.to_dict()] if result is not None else []}

    @app.get("/api/v1/articles", tags=["articles"])
    def api_articles(
        request: Request, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)
    ) -> dict[str, Any]:
        """Stored articles (the shape of ``rashomon list --format json``)."""
        from rashomon.present.cli import stored_summary

        found = list(store(request).iter_articles(limit=limit, offset=offset))
        return {
            "articles": [stored_summary(a) for a in found],
            "total": store(request).count_articles(),
            "limit": limit,
            "offset": offset,
        }

    @app.get("/api/v1/articles/{ref:path}", tags=["articles"])
    def api_article(request: Request, ref: str) -> dict[str, Any]:
        """One article with its analysis (the shape of ``rashomon show ARTICLE --format json``)."""
        return {"articles": [_article_record(store(request), ref)]}

    @app.get("/api/v1/search", tags=["search"])
    def api_search(
        request: Request,
        q: str = Query(..., min_length=1, max_length=200),
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE),
    ) -> dict[str, Any]:
        """Articles whose title or text has every word of ``q``, with their quotations and claims that do."""
        return {"query": q, **search(request, q, limit)}

    # ------------------------------------------------------------------------------------------ pages

    @app.get("/api/v1/entities/{key:path}", tags=["entities"])
    def api_entity(request: Request, key: str) -> dict[str, Any]:
        """One entity across the store: the articles that name it (with the name each uses), its
        quotations in each, and the events it appears in."""
        return {"entities": [_entity_record(store(request), key)]}

    @app.get("/entities/{key:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, key: str) -> Response:
        return templates.TemplateResponse(request, "entity.html", {"entity": _entity_record(store(request), key)})

    def require_token(request: Request) -> str:
        """The name of the token the request carries (``Authorization: Bearer ...``), else 401."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        owner = store(request).token_owner(token.strip()) if scheme.lower() == "bearer" else None
        if owner is None:
            raise HTTPException(401, "a token is needed: rashomon token create NAME", {"WWW-Authenticate": "Bearer"})
        return owner

    @app.post("/api/v1/ingest", status_code=202, tags=["ingest"])
    def api_ingest(request: Request, body: IngestRequest) -> dict[str, Any]:
        """Ingest urls in the background (the url guard applies: no loopback or private address unless the
        server allows it); returns a job to follow at /api/v1/jobs/{id}. Needs a token."""
        owner = require_token(request)
        job = request.app.state.jobs.start(store(request), settings, list(body.urls), owner)
        return {"job": job}

    @app.get("/api/v1/jobs/{job_id}", tags=["ingest"])
    def api_job(request: Request, job_id: str) -> dict[str, Any]:
        """An ingest job: queued, running, done or failed, with its counts and failures. Needs a token."""
        require_token(request)
        job = request.app.state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return {"job": job}

    @app.get("/api/v1/outlets/{name:path}", tags=["outlets"])
    def api_outlet(request: Request, name: str) -> dict[str, Any]:
        """One outlet: its articles, the verbs it reports speech with, and whose voices it quotes."""
        return {"outlets": [_outlet_record(store(request), name)]}

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(request: Request, name: str) -> Response:
        return templates.TemplateResponse(request, "outlet.html", {"outlet": _outlet_record(store(request), name)})

    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_page(request: Request) -> Response:
        return _add_form(request, templates)

    @app.post("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_submit(request: Request, urls: str = Form(""), token: str = Form(""), csrf: str = Form("")) -> Response:
        """The add form: the CSRF value of the form must match its cookie, and a token is needed."""
        import hmac

        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not csrf or not hmac.compare_digest(cookie, csrf):
            return _add_form(request, templates, error="The form expired: load it again.", status=403)
        owner = store(request).token_owner(token.strip())
        if owner is None:
            return _add_form(request, templates, error="A valid token is needed to add articles.", status=401)
        wanted = [u.strip() for u in urls.splitlines() if u.strip()]
        if not wanted or len(wanted) > MAX_URLS:
            return _add_form(request, templates, error=f"Give 1 to {MAX_URLS} urls, one per line.", status=422)
        job = request.app.state.jobs.start(store(request), settings, wanted, owner)
        return RedirectResponse(f"/jobs/{job['id']}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> Response:
        job = request.app.state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return templates.TemplateResponse(request, "job.html", {"job": job})

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = Query("", max_length=200)) -> Response:
        found = search(request, q, PAGE_SIZE) if q.strip() else None
        return templates.TemplateResponse(request, "search.html", {"q": q, "found": found})

    @app.get("/events.atom", tags=["events"])
    def events_feed(
        request: Request, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE), min_size: int = Query(1, ge=1)
    ) -> Response:
        """An Atom feed of the most recent events (``min_size=2``: only events several reports tell), to
        follow in a feed reader."""
        rows = store(request).list_events(limit=limit, min_size=min_size)
        return Response(atom_feed(rows, str(request.base_url)), media_type="application/atom+xml; charset=utf-8")

    @app.get("/report.css", include_in_schema=False)
    def report_css() -> Response:
        from rashomon.present.reports.html import REPORT_CSS

        return Response(REPORT_CSS, media_type="text/css; charset=utf-8")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, offset: int = Query(0, ge=0)) -> Response:
        rows = store(request).list_events(limit=PAGE_SIZE, offset=offset)
        return templates.TemplateResponse(
            request,
            "events.html",
            {"events": rows, "offset": offset, "page": PAGE_SIZE, "total_articles": store(request).count_articles()},
        )

    @app.get("/events/{event_id:int}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: int) -> Response:
        from rashomon.present.reports.html import event_section

        result, event = compared(request, event_id)
        section = event_section(result) if result is not None else None
        return templates.TemplateResponse(request, "event.html", {"event": event, "section": section})

    @app.get("/events/{event_id:int}.{fmt}", include_in_schema=False)
    def event_download(request: Request, event_id: int, fmt: str) -> Response:
        from rashomon.present.reports import render

        if fmt not in ("json", "md", "html"):
            raise HTTPException(404, "formats: json, md, html")
        result, _ = compared(request, event_id)
        text = render([result] if result is not None else [], {"md": "markdown"}.get(fmt, fmt))
        media = {"json": "application/json", "md": "text/markdown", "html": "text/html"}[fmt]
        headers = {"Content-Disposition": f'attachment; filename="rashomon-event-{event_id}.{fmt}"'}
        if fmt == "html":  # the self-contained report keeps its own inline style: allowed for it alone
            headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return PlainTextResponse(text, media_type=f"{media}; charset=utf-8", headers=headers)

    @app.get("/articles/{ref:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, ref: str) -> Response:
        record = _article_record(store(request), ref)
        event_id = store(request).event_of_article(record["id"])
        return templates.TemplateResponse(request, "article.html", {"a": record, "event_id": event_id})

    return app


def _article_record(store: Any, ref: str) -> dict[str, Any]:
    from rashomon.present.cli import analysed_record, stored_summary

    found = store.get_article(ref)
    if found is None:
        raise HTTPException(404, f"no stored article matches {ref!r}")
    analysis = store.get_analysis(found.id)
    record = analysed_record(found, analysis) if analysis else found.summary()
    record.update(stored_summary(found))
    record["versions"] = store.versions_of(found.id)
    return record


def atom_feed(rows: list[dict[str, Any]], base: str) -> str:
    """Atom 1.0 for event rows of the store (newest first); every text escaped by the XML writer."""
    from xml.etree import ElementTree as ET

    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")

    def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ns}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    def stamp(day: str | None) -> str:
        return f"{day[:10]}T00:00:00Z" if day and day[:4].isdigit() else "1970-01-01T00:00:00Z"

    child(feed, "id", f"{base}events.atom")
    child(feed, "title", "Rashomon: events")
    child(feed, "updated", max((stamp(r["end"] or r["start"]) for r in rows), default=stamp(None)))
    child(feed, "link", rel="self", href=f"{base}events.atom")
    child(feed, "generator", "rashomon")
    for row in rows:
        entry = child(feed, "entry")
        child(entry, "id", f"{base}events/{row['id']}")
        child(entry, "title", row["title"] or "(untitled event)")
        child(entry, "updated", stamp(row["end"] or row["start"]))
        child(entry, "link", href=f"{base}events/{row['id']}")
        outlets = ", ".join(row["outlets"])
        child(entry, "summary", f"{row['size']} reports by {len(row['outlets'])} outlets: {outlets}")
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _entity_record(store: Any, key: str) -> dict[str, Any]:
    rows = store.entity_articles(key)
    if not rows:
        raise HTTPException(404, f"no stored article names {key!r}")
    found = store.get_analyses([r["article_id"] for r in rows])
    quotes = []
    for row in rows:
        analysis = found.get(row["article_id"])
        if analysis is None:
            continue
        ids = {e.id for e in analysis.entities if e.key == key}
        for said in analysis.quotes:
            if said.speaker_id in ids and said.is_speech:
                quotes.append({"article_id": row["article_id"], "outlet": row["outlet"], **said.to_dict()})
    names: dict[str, list[str]] = {}
    for row in rows:
        names.setdefault(row["name"], [])
        outlet = row["outlet"] or row["source"]
        if outlet not in names[row["name"]]:
            names[row["name"]].append(outlet)
    events = sorted({e for r in rows if (e := store.event_of_article(r["article_id"])) is not None})
    return {
        "key": key,
        "name": max(names, key=lambda n: (len(names[n]), len(n))),
        "type": rows[0]["type"],
        "names": names,
        "articles": rows,
        "quotes": quotes,
        "events": [str(e) for e in events],
    }


def _outlet_record(store: Any, name: str, limit: int = 200) -> dict[str, Any]:
    from collections import Counter

    found = list(store.iter_articles(outlet=name, limit=limit))
    if not found:
        raise HTTPException(404, f"no stored article of the outlet {name!r}")
    analyses = store.get_analyses([a.id for a in found])
    verbs: Counter[str] = Counter()
    voices: Counter[str] = Counter()
    for analysis in analyses.values():
        for said in analysis.quotes:
            if not said.is_speech:
                continue
            if said.cue_lemma:
                verbs[said.cue_lemma] += 1
            if said.speaker:
                voices[said.speaker] += 1
    return {
        "name": name,
        "articles": [{"id": a.id, "title": a.title, "published": a.published, "source": a.source} for a in found],
        "attribution_verbs": dict(verbs.most_common()),
        "voices": dict(voices.most_common(30)),
    }


CSRF_COOKIE = "rashomon_csrf"


def _add_form(request: Request, templates: Jinja2Templates, error: str | None = None, status: int = 200) -> Response:
    """The add form with a fresh CSRF value, in the page and in a strict same-site cookie."""
    import secrets

    csrf = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request, "add.html", {"csrf": csrf, "error": error, "max_urls": MAX_URLS}, status_code=status
    )
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/add")
    return response
