"""The web app's write route: ingest by url needs a token (created by `rashomon token create`, stored as
a digest, compared in constant time); the url guard still applies; a job reports what happened. The
pages served here come from a loopback server this test starts."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rashomon.present.cli import app as cli
from rashomon.present.web.app import create_app
from rashomon.settings import Settings
from rashomon.store import Store

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour crane collapses in Varn</title>
<meta property="og:site_name" content="Varn Evening Post"></head><body><article><h1>Harbour crane collapses</h1>
<p>A container crane collapsed at the port of Varn on Tuesday morning, injuring two dock workers, the port
authority said. The crane was being moved along the quay when one of its legs gave way.</p>
<p>"We have closed berth four until engineers have inspected every crane," harbour master Ilse Dorn said.
Shipping was diverted to the eastern basin for the rest of the day.</p></article></body></html>"""


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/crane"
    server.shutdown()


def _client(db: str, **settings: object) -> TestClient:
    return TestClient(create_app(Settings(db=db, **settings)))


def _token(db: str) -> str:
    result = CliRunner().invoke(cli, ["token", "create", "newsroom", "--db", db])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _wait(client: TestClient, job_id: str, token: str) -> dict:
    for _ in range(600):
        job = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()["job"]
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_web_write_token_is_stored_as_a_digest(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    token = _token(db)
    with Store.open(Settings(db=db)) as store:
        assert store.token_owner(token) == "newsroom" and store.token_owner(token + "x") is None
        with store.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT digest FROM tokens").scalar()
    assert token not in stored and len(stored) == 64


def test_web_write_ingest_needs_a_token(tmp_path: Path, site: str) -> None:
    db = str(tmp_path / "w.db")
    _token(db)
    with _client(db) as client:
        assert client.post("/api/v1/ingest", json={"urls": [site]}).status_code == 401
        wrong = {"Authorization": "Bearer not-a-token"}
        assert client.post("/api/v1/ingest", json={"urls": [site]}, headers=wrong).status_code == 401
        assert client.get("/api/v1/jobs/abc", headers=wrong).status_code == 401


def test_web_write_url_guard_applies(tmp_path: Path, site: str) -> None:
    db = str(tmp_path / "g.db")
    token = _token(db)
    with _client(db) as client:
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post("/api/v1/ingest", json={"urls": [site]}, headers=headers)
        assert response.status_code == 202
        job = _wait(client, response.json()["job"]["id"], token)
        assert job["status"] == "done" and job["added"] == 0
        assert job["failures"] and "private" in job["failures"][0]["reason"].lower()


def test_web_write_ingest_adds_analyses_and_clusters(tmp_path: Path, site: str) -> None:
    db = str(tmp_path / "i.db")
    token = _token(db)
    with _client(db, allow_private_network=True) as client:  # the server's owner allows the loopback site
        headers = {"Authorization": f"Bearer {token}"}
        response = client.post("/api/v1/ingest", json={"urls": [site]}, headers=headers)
        job = _wait(client, response.json()["job"]["id"], token)
        assert job["status"] == "done" and (job["added"], job["analysed"], job["clustered"]) == (1, 1, 1)
        assert job["by"] == "newsroom"
        events = client.get("/api/v1/events").json()["events"]
        assert [e["title"] for e in events] == ["Harbour crane collapses in Varn"]
        assert client.post("/api/v1/ingest", json={"urls": []}, headers=headers).status_code == 422


def _form(client: TestClient) -> str:
    import re

    page = client.get("/add")
    assert page.status_code == 200 and "rashomon_csrf" in page.headers["set-cookie"]
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_web_write_add_form_refuses_without_token_or_csrf(tmp_path: Path, site: str) -> None:
    db = str(tmp_path / "f.db")
    token = _token(db)
    with _client(db, allow_private_network=True) as client:
        csrf = _form(client)
        refused = client.post("/add", data={"urls": site, "token": "", "csrf": csrf})
        assert refused.status_code == 401 and "A valid token is needed" in refused.text
        csrf = _form(client)
        forged = client.post("/add", data={"urls": site, "token": token, "csrf": "forged"})
        assert forged.status_code == 403
        client.cookies.clear()
        no_cookie = client.post("/add", data={"urls": site, "token": token, "csrf": csrf})
        assert no_cookie.status_code == 403
        csrf = _form(client)
        added = client.post("/add", data={"urls": site, "token": token, "csrf": csrf}, follow_redirects=False)
        assert added.status_code == 303 and added.headers["location"].startswith("/jobs/")
        for _ in range(600):
            page = client.get(added.headers["location"]).text
            if ": done</h1>" in page or ": failed</h1>" in page:
                break
            time.sleep(0.1)
        assert "1 added" in page and "<script" not in page
