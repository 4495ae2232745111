"""``rashomon serve``: server-rendered pages and a JSON API (``/api/v1``) over the store.

Pages are Jinja2 templates with autoescaping (every piece of article text is escaped), readable without
JavaScript, with nothing loaded from another host; every response carries a Content-Security-Policy that
allows only the app's own script file (no inline script, no other host). The JSON API has the shapes of the
CLI's ``--format json`` and pagination; FastAPI serves its OpenAPI description at ``/docs``. Comparisons are
computed in the background when an event changes and stored (background.py): pages never wait for them.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import threading
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from rashomon.present.web.background import Comparer
from rashomon.records import ComparedEvent, Event
from rashomon.settings import Settings

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PAGE_SIZE = 50
MAX_PAGE = 500
MAX_URLS = 200  # per ingest request


class DecodedComparisons:
    """Stored comparisons decoded (and what pages render from them) for the events read most recently:
    a page checks the stored comparison's stamp, a small read, and decodes it again only when it changed."""

    def __init__(self, size: int = 64) -> None:
        from collections import OrderedDict

        self.size = size
        self._items: OrderedDict[int, tuple[Any, dict[str, Any]]] = OrderedDict()
        self._derived: dict[tuple[int, str], tuple[ComparedEvent, Any]] = {}
        self._lock = threading.Lock()

    def get(self, store: Any, event_id: int) -> dict[str, Any] | None:
        stamp = store.comparison_stamp(event_id)
        if stamp is None:
            return None
        with self._lock:
            cached = self._items.get(event_id)
            if cached is not None and cached[0] == stamp:
                self._items.move_to_end(event_id)
                return cached[1]
        stored = store.stored_comparison(event_id)
        if stored is None:
            return None
        with self._lock:
            self._items[event_id] = ((stored["version"], stored["computed_at"]), stored)
            self._items.move_to_end(event_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return stored

    def derived(self, result: ComparedEvent, name: str, make: Any) -> Any:
        """``make()`` once per decoded comparison and ``name`` (kept while the comparison is cached)."""
        key = (id(result), name)
        with self._lock:
            held = self._derived.get(key)
            if held is not None and held[0] is result:
                return held[1]
        value = make()
        with self._lock:
            live = {id(s["data"]) for _, s in self._items.values() if s["data"] is not None}
            self._derived = {k: v for k, v in self._derived.items() if k[0] in live}
            if key[0] in live:
                self._derived[key] = (result, value)
        return value


class IngestRequest(BaseModel):
    urls: list[str] = Field(..., min_length=1, max_length=MAX_URLS)


class Jobs:
    """Ingest jobs run one at a time in a background thread; their state (and progress: inputs read so far,
    by outcome) is kept in memory. When a job ends, the comparer looks for the events it changed."""

    def __init__(self, on_done: Any = None) -> None:
        self._jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._queue: list[tuple[str, Any, Settings, list[str]]] = []
        self._worker: threading.Thread | None = None
        self._on_done = on_done

    def start(self, store: Any, settings: Settings, sources: list[str], owner: str) -> dict[str, Any]:
        import secrets

        job_id = secrets.token_hex(8)
        with self._lock:
            self._jobs[job_id] = {
                "id": job_id,
                "status": "queued",
                "urls": len(sources),
                "inputs": len(sources),
                "read": 0,
                "by": owner,
            }
            self._queue.append((job_id, store, settings, sources))
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
                job_id, store, settings, sources = self._queue.pop(0)
                job = self._jobs[job_id]
                job["status"] = "running"

            def progress(_source: str, status: str, job: dict[str, Any] = job) -> None:
                with self._lock:
                    job["read"] += 1
                    job[status] = job.get(status, 0) + 1

            try:
                with Fetcher(settings) as fetcher:
                    summary = ingest(sources, settings, store, fetcher, progress=progress)
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
                job.update(result)
            if self._on_done is not None:
                self._on_done()


def create_app(
    settings: Settings,
    *,
    private: bool = False,
    uploads: Path | None = None,
    compare_poll: float = 5.0,
    background: bool = True,
) -> FastAPI:
    """The app on the store ``settings.db`` names (opened once, closed at shutdown). ``private``: every
    route needs a token too; ``uploads``: where files added on the web are kept (by default next to a
    SQLite store); ``background``: compare changed events in a background thread (tests may run the
    comparer by hand with ``app.state.comparer.run_once()``)."""
    from rashomon.store import Store
    from rashomon.store.db import sqlite_path

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        app.state.store = Store.open(settings, mode="auto")
        app.state.comparer = Comparer(app.state.store, settings, poll=compare_poll)
        app.state.jobs = Jobs(on_done=app.state.comparer.wake)
        if background:
            app.state.comparer.start()
        try:
            yield
        finally:
            app.state.comparer.stop()
            app.state.store.close()

    app = FastAPI(title="Rashomon", summary="News reports compared event by event", lifespan=lifespan)
    local = sqlite_path(settings.db)
    app.state.uploads = uploads or (
        local.with_name(local.name + ".uploads") if local else Path(tempfile.gettempdir()) / "rashomon-uploads"
    )
    # Searches use the full-text index; still two at a time, so that a burst of them queues instead of
    # holding every database connection until the pool times out.
    searching = threading.BoundedSemaphore(2)

    def search(request: Request, q: str, limit: int) -> dict[str, Any]:
        with searching:
            return store(request).search(q, limit=limit)

    folder = resources.files("rashomon.present.web")
    templates = Jinja2Templates(directory=str(folder / "templates"))
    templates.env.globals["private"] = private
    app.mount("/static", StaticFiles(directory=str(folder / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        path = request.url.path
        if private and not _public_path(path) and _request_owner(request) is None:
            if path.startswith("/api/") or path.endswith((".atom", ".json", ".md", ".html")):  # not for a person
                response: Response = JSONResponse(
                    {"detail": "a token is needed: rashomon token create NAME"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            else:
                response = RedirectResponse(f"/login?next={quote(path)}", status_code=303)
        else:
            response = await call_next(request)
        if not path.startswith("/docs") and path != "/openapi.json":
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if private:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    def store(request: Request) -> Any:
        return request.app.state.store

    def comparison(request: Request, event_id: int) -> tuple[str, ComparedEvent | None, Event, str | None]:
        """An event and its stored comparison: status "ready", "updating" (the event changed since: the
        earlier comparison is shown until the new one is stored) or "computing" (none yet)."""
        from rashomon.pipeline import stored_event
        from rashomon.store.search_db import event_version

        event = stored_event(store(request), event_id)
        row = store(request).event_row(int(event.id)) if event is not None else None
        if event is None or row is None:
            raise HTTPException(404, f"no event {event_id}")
        stored = decoded.get(store(request), int(event.id))
        if stored is None:
            request.app.state.comparer.wake()
            return "computing", None, event, None
        current = stored["version"] == event_version(row, request.app.state.comparer.version)
        if not current:
            request.app.state.comparer.wake()
        return ("ready" if current else "updating"), stored["data"], event, stored["failure"]

    decoded = DecodedComparisons()

    def rendered(result: ComparedEvent) -> dict[str, Any]:
        """The event page's report section, columns and charts, rendered once per stored comparison."""
        from rashomon.present.reports.html import event_section
        from rashomon.present.web.charts import timeline_svg, voices_svg
        from rashomon.present.web.sides import claim_columns

        def make() -> dict[str, Any]:
            return {
                "section": event_section(result),
                "columns": claim_columns(result),
                "voices_chart": voices_svg(result),
                "timeline_chart": timeline_svg(result),
            }

        return decoded.derived(result, "page", make)

    def event_filters(
        outlet: str | None, since: str | None, until: str | None, entity: str | None, conflicts: bool
    ) -> dict[str, Any]:
        for day in (since, until):
            if day and not DAY.fullmatch(day):
                raise HTTPException(422, f"dates are YYYY-MM-DD, not {day!r}")
        return {
            "outlet": outlet or None,
            "since": since or None,
            "until": until or None,
            "entity": entity or None,
            "conflicts_only": conflicts,
        }

    # ------------------------------------------------------------------------------------------- API

    @app.get("/api/v1/events", tags=["events"])
    def api_events(
        request: Request,
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0),
        min_size: int = Query(1, ge=1),
        outlet: str | None = Query(None, max_length=200, description="only events this outlet reported"),
        since: str | None = Query(None, description="only events ending on or after this day (YYYY-MM-DD)"),
        until: str | None = Query(None, description="only events starting on or before this day (YYYY-MM-DD)"),
        entity: str | None = Query(None, max_length=300, description="only events naming this entity (key or name)"),
        conflicts: bool = Query(False, description="only events whose reports conflict"),
    ) -> dict[str, Any]:
        """Stored events, most recent first (the shape of ``rashomon events --format json``), with the counts
        of their comparison (``shared``, ``conflicts``, ``unique``: null until it is computed)."""
        filters = event_filters(outlet, since, until, entity, conflicts)
        rows = store(request).list_events(limit=limit, offset=offset, min_size=min_size, **filters)
        return {"events": [_event_item(r) for r in rows], "limit": limit, "offset": offset}

    @app.get("/api/v1/events/{event_id}", tags=["events"])
    def api_event(request: Request, event_id: int) -> dict[str, Any]:
        """One event with its articles (the shape of ``rashomon event ID --format json``)."""
        from rashomon.pipeline import stored_event

        event = stored_event(store(request), event_id)
        if event is None:
            raise HTTPException(404, f"no event {event_id}")
        return {"events": [event.summary()]}

    @app.get("/api/v1/events/{event_id}/comparison", tags=["events"])
    def api_comparison(request: Request, event_id: int) -> Any:
        """How the reports of one event differ (the shape of ``rashomon compare --event ID --format json``);
        ``events`` is empty when fewer than two outlets reported it. ``status``: "ready", "updating" (the event
        changed; this is the comparison before the change) or "computing" (202: none yet, ask again)."""
        status, result, _, failure = comparison(request, event_id)
        # The comparison serialised once per stored version (large events make large documents).
        events = decoded.derived(result, "api", lambda: json.dumps([result.to_dict()])) if result else "[]"
        extra = {"status": status, **({"failure": failure} if failure else {})}
        body = '{"events": ' + events + ", " + json.dumps(extra)[1:]
        code = 202 if status == "computing" else 200
        return Response(body, status_code=code, media_type="application/json", headers=_retry(status))

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

    @app.get("/api/v1/quotes", tags=["quotes"])
    def api_quotes(
        request: Request,
        q: str = Query("", max_length=200, description="only quotations with every word (stemmed), best first"),
        outlet: str | None = Query(None, max_length=200, description="only this outlet's quotations"),
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        """Who said what across the store: quotations (the shape of ``quotes`` in ``rashomon show --format
        json``, with their article and outlet), newest first unless ``q`` ranks them."""
        found = store(request).list_quotes(query=q, outlet=outlet, limit=limit, offset=offset)
        return {"quotes": found, "limit": limit, "offset": offset}

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
        token = _bearer(request)  # never the login cookie: a cookie would let another site post here
        owner = store(request).token_owner(token) if token else None
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
    async def add_submit(
        request: Request,
        urls: str = Form(""),
        token: str = Form(""),
        csrf: str = Form(""),
        files: list[UploadFile] = File(default_factory=list),
    ) -> Response:
        """The add form: the CSRF value of the form must match its cookie, and a token is needed. Urls go
        through the url guard; files (any input ``ingest`` takes) are kept in the uploads folder."""
        import hmac

        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not csrf or not hmac.compare_digest(cookie, csrf):
            return _add_form(request, templates, error="The form expired: load it again.", status=403)
        owner = store(request).token_owner(token.strip())
        if owner is None:
            return _add_form(request, templates, error="A valid token is needed to add articles.", status=401)
        wanted = [u.strip() for u in urls.splitlines() if u.strip()]
        chosen = [f for f in files if f.filename]
        if len(wanted) > MAX_URLS or len(chosen) > MAX_FILES or not (wanted or chosen):
            error = f"Give 1 to {MAX_URLS} urls, one per line, or 1 to {MAX_FILES} files."
            return _add_form(request, templates, error=error, status=422)
        for upload in chosen:
            try:
                wanted.append(str(await _keep_upload(upload, request.app.state.uploads, settings)))
            except UploadTooLarge as exc:
                return _add_form(request, templates, error=str(exc), status=413)
        job = request.app.state.jobs.start(store(request), settings, wanted, owner)
        return RedirectResponse(f"/jobs/{job['id']}", status_code=303)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = Query("/", max_length=2000)) -> Response:
        return _login_form(request, templates, _local_path(next))

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_submit(
        request: Request, token: str = Form(""), csrf: str = Form(""), next: str = Form("/", max_length=2000)
    ) -> Response:
        """With ``--private``: a valid token is kept in a cookie (HTTP only, same site) for the pages."""
        import hmac

        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not csrf or not hmac.compare_digest(cookie, csrf):
            return _login_form(request, templates, _local_path(next), "The form expired: load it again.", 403)
        if store(request).token_owner(token.strip()) is None:
            return _login_form(request, templates, _local_path(next), "That token is not valid.", 401)
        response = RedirectResponse(_local_path(next), status_code=303)
        response.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict", secure=False)
        return response

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
        request: Request,
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE),
        min_size: int = Query(1, ge=1),
        conflicts: bool = Query(False, description="only events whose reports conflict"),
        entity: str | None = Query(None, max_length=300, description="only events naming this entity"),
        outlet: str | None = Query(None, max_length=200, description="only events this outlet reported"),
    ) -> Response:
        """An Atom feed of new and changed events, to follow a story in a feed reader: ``min_size=2`` only
        events several reports tell, ``conflicts=true`` only those whose reports conflict, ``entity=`` only
        those naming someone or something."""
        filters = event_filters(outlet, None, None, entity, conflicts)
        rows = store(request).list_events(limit=limit, min_size=min_size, **filters)
        return Response(atom_feed(rows, str(request.base_url)), media_type="application/atom+xml; charset=utf-8")

    @app.get("/report.css", include_in_schema=False)
    def report_css() -> Response:
        from rashomon.present.reports.html import REPORT_CSS

        return Response(REPORT_CSS, media_type="text/css; charset=utf-8")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def events_page(
        request: Request,
        offset: int = Query(0, ge=0),
        outlet: str = Query("", max_length=200),
        since: str = Query("", max_length=10),
        until: str = Query("", max_length=10),
        entity: str = Query("", max_length=300),
        conflicts: bool = Query(False),
    ) -> Response:
        filters = event_filters(outlet, since, until, entity, conflicts)
        rows = store(request).list_events(limit=PAGE_SIZE, offset=offset, **filters)
        asked = {k: v for k, v in request.query_params.items() if k != "offset" and v}
        return templates.TemplateResponse(
            request,
            "events.html",
            {
                "events": [_event_item(r) for r in rows],
                "offset": offset,
                "page": PAGE_SIZE,
                "total_articles": store(request).count_articles(),
                "filters": filters,
                "query": urlencode(asked),
            },
        )

    @app.get("/events/{event_id:int}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: int) -> Response:
        status, result, event, failure = comparison(request, event_id)
        parts = rendered(result) if result is not None else {"section": None, "columns": []}
        context = {"event": event, "status": status, "failure": failure, **parts}
        if result is None:
            return templates.TemplateResponse(request, "event.html", context)
        # The whole page once per stored comparison and state of the event (its reports as listed).
        state = "|".join([status, *(f"{a.article_id}:{a.title}:{a.outlet}" for a in event.articles)])
        key = "page." + hashlib.sha256(state.encode("utf-8", "surrogatepass")).hexdigest()
        page = decoded.derived(result, key, lambda: templates.get_template("event.html").render(context))
        return HTMLResponse(page)

    @app.get("/events/{event_id:int}.{fmt}", include_in_schema=False)
    def event_download(request: Request, event_id: int, fmt: str) -> Response:
        from rashomon.present.reports import render

        if fmt not in ("json", "md", "html"):
            raise HTTPException(404, "formats: json, md, html")
        status, result, _, _ = comparison(request, event_id)
        if status == "computing":
            message = "The comparison of this event is being computed: ask again in a few seconds.\n"
            return PlainTextResponse(message, status_code=202, headers={"Retry-After": "5"})

        def make() -> str:
            text = render([result] if result is not None else [], {"md": "markdown"}.get(fmt, fmt))
            return text if text.endswith("\n") else text + "\n"  # the file the CLI would print

        text = decoded.derived(result, f"download.{fmt}", make) if result is not None else make()
        media = {"json": "application/json", "md": "text/markdown", "html": "text/html"}[fmt]
        headers = {"Content-Disposition": f'attachment; filename="rashomon-event-{event_id}.{fmt}"'}
        if fmt == "html":  # the self-contained report keeps its own inline style: allowed for it alone
            headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return PlainTextResponse(text, media_type=f"{media}; charset=utf-8", headers=headers)

    @app.get("/articles/{ref:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, ref: str) -> Response:
        from rashomon.present.web.sides import marked_paragraphs

        record = _article_record(store(request), ref)
        event_id = store(request).event_of_article(record["id"])
        paragraphs = marked_paragraphs(record.get("text") or "", list(record.get("quotes") or []))
        context = {"a": record, "event_id": event_id, "paragraphs": paragraphs}
        return templates.TemplateResponse(request, "article.html", context)

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
    """One outlet's latest articles, the verbs it reports speech with, whose voices it quotes, the loaded
    words it uses in its own voice (the compare stage's framing of each article), and all of it by month."""
    from collections import Counter

    from rashomon.compare.framing import frame
    from rashomon.records import AnalysedArticle

    found = list(store.iter_articles(outlet=name, limit=limit))
    if not found:
        raise HTTPException(404, f"no stored article of the outlet {name!r}")
    analyses = store.get_analyses([a.id for a in found])
    verbs: Counter[str] = Counter()
    voices: Counter[str] = Counter()
    loaded: Counter[str] = Counter()
    months: dict[str, dict[str, Any]] = {}
    for article in found:
        month = (article.published or "")[:7] if (article.published or "")[:4].isdigit() else "undated"
        slot = months.setdefault(month, {"articles": 0, "voices": Counter(), "loaded": Counter(), "quotes": 0})
        slot["articles"] += 1
        analysis = analyses.get(article.id)
        if analysis is None:
            continue
        for said in analysis.quotes:
            if not said.is_speech:
                continue
            slot["quotes"] += 1
            if said.cue_lemma:
                verbs[said.cue_lemma] += 1
            if said.speaker:
                voices[said.speaker] += 1
                slot["voices"][said.speaker] += 1
        framing = frame(AnalysedArticle(article=article, analysis=analysis), {}, [], {})
        for term in {t.term for t in framing.loaded_terms}:
            loaded[term] += 1
            slot["loaded"][term] += 1
    return {
        "name": name,
        "articles": [{"id": a.id, "title": a.title, "published": a.published, "source": a.source} for a in found],
        "attribution_verbs": dict(verbs.most_common()),
        "voices": dict(voices.most_common(30)),
        "loaded_terms": dict(loaded.most_common(30)),
        "by_month": [
            {
                "month": month,
                "articles": slot["articles"],
                "quotes": slot["quotes"],
                "voices": dict(slot["voices"].most_common(5)),
                "loaded_terms": dict(slot["loaded"].most_common(5)),
            }
            for month, slot in sorted(months.items(), reverse=True)
        ],
    }


CSRF_COOKIE = "rashomon_csrf"
TOKEN_COOKIE = "rashomon_token"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_FILES = 20  # per add form
UPLOAD_CHUNK = 1 << 16


class UploadTooLarge(ValueError):
    pass


def _retry(status: str) -> dict[str, str]:
    return {"Retry-After": "5"} if status == "computing" else {}


def _event_item(row: dict[str, Any]) -> dict[str, Any]:
    """An event row as the API and the events page show it: the CLI's fields and the comparison's counts
    (None until the comparison is computed; 0 for an event one outlet reported)."""
    keys = ("title", "start", "end", "outlets", "size")
    computed = row.get("compared_version") is not None
    return {
        "id": str(row["id"]),
        **{k: row[k] for k in keys},
        "shared": row["shared"] if computed else None,
        "conflicts": row["conflicts"] if computed else None,
        "unique": row["unique_claims"] if computed else None,
    }


def _public_path(path: str) -> bool:
    """What ``--private`` leaves open: the login form and the style sheets."""
    return path in ("/login", "/report.css") or path.startswith("/static/")


def _bearer(request: Request) -> str:
    """The token of an ``Authorization: Bearer ...`` header, "" without one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _request_owner(request: Request) -> str | None:
    """The token's name a request carries (``Authorization: Bearer ...`` or the login cookie), else None."""
    token = _bearer(request) or request.cookies.get(TOKEN_COOKIE, "").strip()
    return request.app.state.store.token_owner(token) if token else None


def _local_path(target: str) -> str:
    """Where to go after the login: a path on this site only (never another host)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


async def _keep_upload(upload: UploadFile, folder: Path, settings: Settings) -> Path:
    """Save an uploaded file in ``folder`` under its content hash and its name made safe (read in chunks,
    refused above ``max_input_bytes``), and return the path ``ingest`` reads it from."""
    import hashlib

    limit = settings.max_input_bytes
    digest = hashlib.sha256()
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(upload.filename or "upload").name).strip(".-")[:100] or "upload"
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".partial-")
    size = 0
    try:
        with open(handle, "wb") as out:
            while chunk := await upload.read(UPLOAD_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadTooLarge(f"{name} is larger than {limit:,} bytes (max_input_bytes)")
                digest.update(chunk)
                out.write(chunk)
        target = folder / f"{digest.hexdigest()[:16]}-{name}"
        Path(partial).replace(target)
        return target
    finally:
        Path(partial).unlink(missing_ok=True)


def _login_form(
    request: Request, templates: Jinja2Templates, next_path: str, error: str | None = None, status: int = 200
) -> Response:
    return _with_csrf(request, templates, "login.html", {"next": next_path, "error": error}, status, "/login")


def _add_form(request: Request, templates: Jinja2Templates, error: str | None = None, status: int = 200) -> Response:
    context = {"error": error, "max_urls": MAX_URLS, "max_files": MAX_FILES}
    return _with_csrf(request, templates, "add.html", context, status, "/add")


def _with_csrf(
    request: Request, templates: Jinja2Templates, name: str, context: dict[str, Any], status: int, path: str
) -> Response:
    """A form page with a fresh CSRF value, in the page and in a strict same-site cookie."""
    import secrets

    csrf = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(request, name, {**context, "csrf": csrf}, status_code=status)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path=path)
    return response
