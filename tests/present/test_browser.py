"""The web app in a real browser (Debian's chromium and chromium-driver, headless, on a loopback server
this test starts): the events page leads to the demo event, whose page shows every outlet side by side;
a hostile article's script never runs; nothing is fetched from another host. Skipped with a reason when
chromium or its driver is not installed (`apt-get install chromium chromium-driver`)."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.present.cli import app as cli
from rashomon.settings import Settings
from tests.present.test_web import HOSTILE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver (apt-get install ...)"
)
# The README's screenshots: `RASHOMON_SCREENSHOTS=docs/screenshots python -m pytest tests/present/test_browser.py`.
SHOTS = Path(os.environ.get("RASHOMON_SCREENSHOTS") or tempfile.mkdtemp(prefix="rashomon-shots-"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from rashomon.present.web.app import create_app

    folder = tmp_path_factory.mktemp("browser")
    (folder / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    db = str(folder / "browser.db")
    examples = Path(__file__).resolve().parents[2] / "examples"
    result = CliRunner().invoke(cli, ["ingest", str(examples), str(folder / "hostile.html"), "--db", db])
    assert result.exit_code == 0, result.output
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(Settings(db=db)), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    _compared(base)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


def _compared(base: str) -> None:
    """Wait until the background comparer has stored every event's comparison."""
    import httpx

    deadline = time.monotonic() + 180
    for event in httpx.get(f"{base}/api/v1/events").json()["events"]:
        while httpx.get(f"{base}/api/v1/events/{event['id']}/comparison").status_code == 202:
            assert time.monotonic() < deadline, "comparisons were not computed"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_browser_events_page_leads_to_the_demo_event(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    assert browser.title.startswith("Events")
    links = browser.find_elements(By.CSS_SELECTOR, "table.events a")
    assert links
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "events.png"))
    lisk = next(a for a in links if "Lisk" in a.text)
    lisk.click()
    body = browser.find_element(By.TAG_NAME, "body").text
    for outlet in ("The Northern Ledger", "Kettlemoor Courier", "The Daily Torch", "MNA"):
        assert outlet in body
    assert "Where the reports disagree" in body
    conflicts = browser.find_elements(By.CSS_SELECTOR, "mark")
    assert conflicts and all(m.is_displayed() for m in conflicts[:3])
    browser.save_screenshot(str(SHOTS / "event.png"))


def _open_largest_event(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    import json

    from selenium.webdriver.common.by import By

    browser.get(server + "/api/v1/events")
    events = json.loads(browser.find_element(By.TAG_NAME, "body").text)["events"]
    browser.get(f"{server}/events/{max(events, key=lambda e: e['size'])['id']}")


def test_browser_selecting_a_claim_marks_its_counterparts(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    _open_largest_event(server, browser)
    columns = browser.find_elements(By.CSS_SELECTOR, ".sides section")
    assert len(columns) >= 2 and all(c.is_displayed() for c in columns)
    # Side by side: the first two columns start at the same height, next to each other.
    assert columns[0].location["y"] == columns[1].location["y"] and columns[0].location["x"] < columns[1].location["x"]
    claim = browser.find_elements(By.CSS_SELECTOR, ".sides li.shared")[0]
    group = claim.get_attribute("data-group")
    column = claim.find_element(By.XPATH, "./ancestor::section")
    assert browser.find_elements(By.CSS_SELECTOR, ".sides li.counterpart") == []
    claim.click()
    assert "selected" in claim.get_attribute("class")
    marked = browser.find_elements(By.CSS_SELECTOR, ".sides li.counterpart")
    assert marked and all(m.get_attribute("data-group") == group for m in marked)
    assert all(m.find_element(By.XPATH, "./ancestor::section") != column for m in marked)  # in other outlets
    assert all(m.is_displayed() for m in marked)
    assert "counterpart" in browser.find_element(By.ID, "selection").text
    # Another claim moves the marks: only its own counterparts stay marked.
    other = next(
        c for c in browser.find_elements(By.CSS_SELECTOR, ".sides li.shared") if c.get_attribute("data-group") != group
    )
    other.click()
    again = browser.find_elements(By.CSS_SELECTOR, ".sides li.counterpart")
    assert again and all(m.get_attribute("data-group") == other.get_attribute("data-group") for m in again)
    browser.save_screenshot(str(SHOTS / "event-selected.png"))


def test_browser_search_finds_a_quote(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server + "/search")
    box = browser.find_element(By.CSS_SELECTOR, "input[name=q]")
    box.send_keys("State reacted")
    box.submit()
    body = browser.find_element(By.TAG_NAME, "body").text
    quotations = body.split("Quotations (", 1)[1].split("Claims (", 1)[0]
    assert "state reacted" in quotations.lower()


def test_browser_hostile_script_does_not_run(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server + "/api/v1/articles?limit=100")
    import json

    articles = json.loads(browser.find_element(By.TAG_NAME, "body").text)["articles"]
    hostile = next(a for a in articles if a["source"].endswith("hostile.html"))
    browser.get(f"{server}/articles/{hostile['id']}")
    assert "alert" in browser.find_element(By.TAG_NAME, "body").text  # shown as text
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    # No alert dialog opened: the driver would raise on the next command if one were open.
    assert browser.execute_script("return 1 + 1") == 2


def test_browser_loads_nothing_from_another_host(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    browser.get(server + "/")
    hosts = browser.execute_script("return performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
    assert hosts and set(hosts) == {server.removeprefix("http://")}


def _axe_source() -> str:
    """axe-core as packaged by axe-selenium-python (MPL-2.0), read from the installed package."""
    import importlib.util

    spec = importlib.util.find_spec("axe_selenium_python")
    if spec is None or spec.origin is None:
        pytest.skip("needs axe-selenium-python (the test extra) for axe-core")
    return (Path(spec.origin).parent / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/", "event"])
def test_browser_no_serious_accessibility_violations(server: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    import json

    from selenium.webdriver.common.by import By

    if path == "event":
        browser.get(server + "/api/v1/events")
        events = json.loads(browser.find_element(By.TAG_NAME, "body").text)["events"]
        path = f"/events/{max(events, key=lambda e: e['size'])['id']}"
    browser.get(server + path)
    browser.execute_script(_axe_source())
    browser.set_script_timeout(60)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; axe.run(document).then(r => done(r.violations));"
    )
    assert isinstance(result, list)  # axe ran and reported (minor findings are allowed)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_browser_add_form_refuses_without_a_token(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server + "/add")
    browser.find_element(By.ID, "urls").send_keys("https://news.example/a-story")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "A valid token is needed" in alert.text
    assert browser.current_url.endswith("/add")
