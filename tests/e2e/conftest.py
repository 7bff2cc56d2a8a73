"""Browser journeys: headless Chromium (Debian's, never a downloaded one) against the real server on localhost.

One live server per test run: a fresh SQLite database migrated with `flask db upgrade`, a small `seed-demo` world,
then gunicorn (scripts/gunicorn.conf.py, one worker) on a free port, waited for through /healthz. Under xdist the
workers share it (a lock file in the run's shared temp dir; the last worker out stops it), so the world is built
once however the journeys are spread.

Every test gets `browser_page()` pages whose server answers are watched (any 5xx fails the test) and `shot(page,
name)` for full-page screenshots in artifacts/screenshots/ (a failing test also leaves a FAILED one).

Knobs (environment): E2E_CHROMIUM (default /usr/bin/chromium); E2E_SEED_EMBEDDINGS=0 seeds without encoding the
demo world (faster on a busy machine, but the "meaning" part of every demo match is then 0); E2E_MODEL_WAIT, the
seconds to wait for the worker's model before the journeys start (default 180; the site works degraded without it).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from .support import DEMO_SEEKER

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
NAVIGATION_TIMEOUT_MS = 90_000  # generous: the suite also runs on small, busy machines
ACTION_TIMEOUT_MS = 60_000
SERVER_START_TIMEOUT_S = 180
SEED = ["--seekers", "40", "--postings", "20", "--seed", "3"]


def _why_not_runnable() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM); browser journeys skipped"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed; browser journeys skipped"
    return None


def pytest_collection_modifyitems(config, items):
    """Skip every journey, before any fixture runs (no server is started), when there is no browser to drive."""
    reason = _why_not_runnable()
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


# --- the live server --------------------------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    pid: int
    folder: str
    database: str
    log: str
    timings: dict | None = None  # seconds per start-up phase

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the server's process group (gunicorn and its worker), SIGKILL it if it lingers."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _answers(self.url):
            time.sleep(0.5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return Path(self.log).read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:  # 503: the database is down
        return json.loads(exc.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(folder: Path, database: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "TEST_DATABASE_URL", "TALENT_MATCH_MODEL", "TALENT_MATCH_DEVICE"}}
    env.update({
        "DATABASE_URL": f"sqlite:///{database}",
        "TALENT_MATCH_INSTANCE": str(folder / "instance"),
        "INDEX_DIR": str(folder / "indexes"),
        "SECRET_KEY": secrets.token_hex(32),
        "TALENT_MATCH_ENV": "development",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false",
        "PYTHONUNBUFFERED": "1", "FLASK_APP": "wsgi",
        "LOGIN_RATE_LIMIT": "600 per minute",  # the journeys sign in dozens of times a minute from one address
    })
    return env


def _flask(env: dict, *args: str, timeout: float) -> None:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"`flask {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-3000:]}")


def start_server(folder: Path) -> LiveServer:
    """Migrate and seed a fresh database in `folder`, start gunicorn on a free port and wait until it serves."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "e2e.db"
    env = _server_env(folder, database)
    timings, clock = {}, time.monotonic()

    def lap(phase: str) -> None:
        nonlocal clock
        timings[phase] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()

    _flask(env, "db", "upgrade", timeout=300)
    lap("migrate")
    embeddings = "--no-embeddings" if os.environ.get("E2E_SEED_EMBEDDINGS") == "0" else "--embeddings"
    _flask(env, "seed-demo", *SEED, embeddings, timeout=600)
    lap("seed")

    port = _free_port()
    env.update({"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4",
                "GUNICORN_TIMEOUT": "300"})
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "scripts/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(f"http://127.0.0.1:{port}", process.pid, str(folder), str(database), str(log), timings)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not _answers(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the server did not answer /healthz on {server.url}:\n{server.log_tail()}")
        time.sleep(0.5)
    lap("serve")
    # The worker loads the model on a background thread; journeys that save profiles would otherwise wait for it
    # inside a request. Without a model the site still works (degraded), so this only waits, never fails.
    model_deadline = time.monotonic() + float(os.environ.get("E2E_MODEL_WAIT", "180"))
    while time.monotonic() < model_deadline:
        status = ((_health(server.url) or {}).get("model") or {}).get("status")
        if status in ("ok", "unavailable"):
            break
        time.sleep(1)
    lap("model")
    _warm_up(server)
    lap("warm_up")
    return server


def _warm_up(server: LiveServer) -> None:
    """Sign in as the demo seeker and open the matches once, so the first journey does not pay for loading the
    tokenizer and building the lexical index inside its first request. Best effort."""
    import http.cookiejar

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        page = opener.open(server.url + "/auth/login", timeout=60).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        form = urllib.parse.urlencode({"csrf_token": token.group(1) if token else "", "email": DEMO_SEEKER[0],
                                       "password": DEMO_SEEKER[1]}).encode()
        opener.open(server.url + "/auth/login", data=form, timeout=300).read()  # follows to /seekers/
    except (urllib.error.URLError, OSError, ValueError):
        pass


@contextlib.contextmanager
def _locked(path: Path):
    with path.open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_started: list[LiveServer] = []


def pytest_terminal_summary(terminalreporter):
    for server in _started:
        phases = ", ".join(f"{phase} {seconds}s" for phase, seconds in (server.timings or {}).items())
        terminalreporter.write_line(f"e2e live server {server.url}: {phases}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The running server (shared by the xdist workers of one run); stopped when the last user is done."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        server = start_server(tmp_path_factory.mktemp("e2e-server"))
        _started.append(server)
        yield server
        server.stop()
        return
    shared = tmp_path_factory.getbasetemp().parent  # pytest-N/, the parent of every worker's popen-gwN/
    lock, info, users = shared / "e2e-server.lock", shared / "e2e-server.json", shared / "e2e-server.users"
    with _locked(lock):
        server = LiveServer(**json.loads(info.read_text())) if info.exists() else None
        if server is None or not _answers(server.url):
            server = start_server(shared / "e2e-server")
            info.write_text(json.dumps(asdict(server)))
        users.write_text(str(int(users.read_text() or 0) + 1 if users.exists() else 1))
    yield server
    with _locked(lock):
        left = int(users.read_text() or 1) - 1
        users.write_text(str(left))
        if left <= 0:
            server.stop()
            info.unlink(missing_ok=True)


# --- the browser ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                                              timeout=NAVIGATION_TIMEOUT_MS)
        yield chromium
        chromium.close()


@pytest.fixture
def shot(request):
    """`shot(page, "name")`: a full-page PNG, artifacts/screenshots/<journey>-<nn>-<name>.png (the journey is the test
    module's name without "test_", plus the test's when the module has several); `shot(locator, "name")` takes just
    that element. The journey's screenshots from earlier runs are removed first. Returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    module = request.node.module
    journey = module.__name__.rpartition(".")[2].removeprefix("test_")
    if sum(name.startswith("test_") for name in vars(module)) > 1 or request.node.name != request.node.originalname:
        journey += "-" + re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    for stale in SCREENSHOTS.glob(f"{journey}-[0-9][0-9]-*.png"):
        stale.unlink(missing_ok=True)
    counter = iter(range(1, 100))

    def take(target, name: str) -> Path:
        path = SCREENSHOTS / f"{journey}-{next(counter):02d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name)}.png"
        if hasattr(target, "goto"):
            target.screenshot(path=str(path), full_page=True, timeout=NAVIGATION_TIMEOUT_MS)
        else:
            target.screenshot(path=str(path), timeout=NAVIGATION_TIMEOUT_MS)
        return path

    return take


@pytest.fixture
def browser_page(request, browser, live_server, shot):
    """`browser_page(**context_options)`: a page in a fresh browser context (its own cookies: one person), Korean
    by default; the options go to Playwright's new_context (bypass_csp=True lets a test inject axe-core).

    Each page fails the test when the server answers 5xx to anything it loads; a failed test leaves a screenshot
    of every page it opened.
    """
    contexts, pages, server_errors = [], [], []

    def open_page(**context_options):
        options = {"locale": "ko-KR", "timezone_id": "Asia/Seoul", "viewport": {"width": 1280, "height": 900},
                   **context_options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        page.on("response", lambda response: server_errors.append(f"{response.status} {response.url}")
                if response.status >= 500 else None)
        contexts.append(context)
        pages.append(page)
        return page

    yield open_page
    if getattr(request.node, "e2e_failed", False):
        for index, page in enumerate(pages):
            with contextlib.suppress(Exception):
                shot(page, f"FAILED-page{index + 1}")
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    if server_errors:
        pytest.fail(f"the server answered with errors: {server_errors}\n{live_server.log_tail()}", pytrace=False)
