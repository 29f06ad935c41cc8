"""Benchmark: demo generation and resident-list latency, SQLite against PostgreSQL, 1 street against 100.

Run from the repository root::

    .venv/bin/python bench/run.py                       # sqlite and postgres, scales 1 and 100
    .venv/bin/python bench/run.py --scales 1 --databases sqlite

For each database and scale it migrates a fresh database, times ``linli demo --scale N``, starts
gunicorn (one sync worker) on a random loopback port and sends, one at a time, ``--requests`` GETs
to each scenario: the resident list page ``/residents/`` and the API ``/api/residents``, as the
community worker of 西林寺 (≈10,000 residents whatever the scale) and as the district officer
(the whole district: 11,753 residents a street). The request mix varies the page and adds a tag
filter, a name search or a grid filter now and then; it is the same mix for every column.

It prints one table, the columns side by side with ratios against the first column (SQLite,
scale 1 unless left out), and writes it to ``bench/results/<timestamp>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/linli_bench"
PASSWORD = "linli-demo-2026"  # linli.demo.generator.DEMO_PASSWORD
COMMUNITY_GRIDS = [f"330502001001-G{g:02d}" for g in range(1, 27)]

SCENARIOS = (
    # (name, user, kind)
    ("page · community", "demo_community", "page"),
    ("api  · community", "demo_community", "api"),
    ("page · district", "demo_district", "page"),
    ("api  · district", "demo_district", "api"),
)


@dataclass
class Column:
    database: str
    scale: int
    generation_s: float = 0.0
    residents: int = 0
    db_mb: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.database} ×{self.scale}"


# --- processes ----------------------------------------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "LINLI_VAR_DIR": str(VAR),
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "linli.settings",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _linli(env: dict[str, str], *args: str, echo: bool = False) -> str:
    """Run ``python -m linli …``; stderr (progress) is passed through when ``echo``."""
    proc = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [PYTHON, "-m", "linli", *args], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=None if echo else subprocess.PIPE, check=False,
    )
    if proc.returncode:
        raise SystemExit(f"linli {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr or ''}")
    return proc.stdout


def _fresh_database(database: str, pg_url: str, scale: int) -> str:
    (VAR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT; whitenoise warns when missing
    if database == "sqlite":
        path = VAR / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    parts = urllib.parse.urlsplit(pg_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"unexpected database name {name!r}")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return pg_url


def _drop_database(database: str, url: str) -> None:
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {parts.path.lstrip('/')} WITH (FORCE)")


def _database_mb(database: str, url: str) -> float:
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()) / 1e6
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn from the venv, sync workers (one by default), on 127.0.0.1."""

    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
        self.proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
            [gunicorn, "linli.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--timeout", "300", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                with urllib.request.urlopen(self.base + "/accounts/login/", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):  # refused, reset, or a cold worker past the timeout
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer in time")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# --- HTTP ---------------------------------------------------------------------------------------


class Browser:
    """A session-cookie client that logs in through the login form, like a browser."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})  # noqa: S310 - http://127.0.0.1
        try:
            with self.opener.open(request, timeout=300) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, username: str, password: str) -> None:
        status, body = self.get("/accounts/login/")
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        data = urllib.parse.urlencode({
            "username": username, "password": password, "csrfmiddlewaretoken": token,
        }).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"},
        )
        with self.opener.open(request, timeout=60) as r:
            r.read()
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit(f"could not log in as {username}")


def _paths(kind: str, user: str, count: int, seed: int = 0) -> list[str]:
    """The request mix: mostly list pages (shallow more often than deep), some filters."""
    rng = random.Random(f"{seed}/{kind}/{user}")
    base = "/residents/" if kind == "page" else "/api/residents"
    grid_param = "grid" if kind == "page" else "region"
    out = []
    for _i in range(count):
        roll = rng.random()
        page = rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 8, 10, 20, 50))
        if roll < 0.65:
            query = {"page": page}
        elif roll < 0.8:
            query = {"tag": rng.choice(("elderly-living-alone", "elderly-advanced-age", "disability-physical")), "page": min(page, 3)}
        elif roll < 0.9:
            query = {"q": rng.choice("沈王张陈李钱姚")}
        else:
            query = {grid_param: rng.choice(COMMUNITY_GRIDS), "page": min(page, 2)}
        out.append(base + "?" + urllib.parse.urlencode(query))
    return out


def _measure(server: Server, env: dict[str, str], column: Column, requests: int) -> None:
    tokens = {}
    for user in sorted({u for _n, u, _k in SCENARIOS}):
        tokens[user] = _linli(env, "token", "--skip-checks", "create", "--user", user, "--name", "bench").strip().splitlines()[-1]
    browsers = {}
    for user in tokens:
        browsers[user] = Browser(server.base)
        browsers[user].login(user, PASSWORD)
    for name, user, kind in SCENARIOS:
        client = browsers[user]
        headers = {"Authorization": f"Bearer {tokens[user]}"} if kind == "api" else {}
        paths = _paths(kind, user, requests)
        for path in paths[:5]:  # warm-up: caches, the worker's first connection
            client.get(path, headers)
        latencies, errors = [], 0
        for path in paths:
            started = time.perf_counter()
            status, body = client.get(path, headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors += 1
                if errors == 1:
                    print(f"    {name}: {status} for {path}: {body[:200]!r}", file=sys.stderr)
            elif kind == "api" and "count" not in json.loads(body):
                errors += 1
        column.latencies[name] = latencies
        column.errors[name] = errors
        print(f"    {name}: p50 {_pct(latencies, 50):.1f} ms, p99 {_pct(latencies, 99):.1f} ms"
              + (f", {errors} errors" if errors else ""), file=sys.stderr)


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# --- one column ---------------------------------------------------------------------------------


def run_column(database: str, scale: int, *, pg_url: str, requests: int, keep: bool, generate_only: bool) -> Column:
    column = Column(database, scale)
    print(f"== {column.label}", file=sys.stderr)
    url = _fresh_database(database, pg_url, scale)
    env = _env(url)
    _linli(env, "migrate", "--noinput", "-v", "0", "--skip-checks")
    started = time.perf_counter()
    out = _linli(env, "demo", "--scale", str(scale), echo=True)
    column.generation_s = time.perf_counter() - started
    match = re.search(r"([\d,]+) residents", out)
    column.residents = int(match.group(1).replace(",", "")) if match else 0
    column.db_mb = _database_mb(database, url)
    print(f"    generation {column.generation_s:.1f} s, {column.residents:,} residents, {column.db_mb:.0f} MB", file=sys.stderr)
    if not generate_only:
        server = Server(env)
        try:
            server.wait()
            _measure(server, env, column, requests)
        finally:
            server.stop()
    if not keep:
        _drop_database(database, url)
    return column


# --- the table ----------------------------------------------------------------------------------


def _cell(value: float, base: float | None, unit: str, digits: int = 1) -> str:
    text = f"{value:,.{digits}f} {unit}"
    if base:
        text += f" (×{value / base:.1f})"
    return text


def render(columns: list[Column], *, requests: int, started: dt.datetime) -> str:
    base = columns[0]
    rows: list[tuple[str, list[str]]] = [
        ("residents", [f"{c.residents:,}" for c in columns]),
        ("database size", [_cell(c.db_mb, base.db_mb, "MB", 0) for c in columns]),
        ("demo generation", [_cell(c.generation_s, base.generation_s, "s") for c in columns]),
    ]
    for name, _user, _kind in SCENARIOS:
        if not any(name in c.latencies for c in columns):
            continue
        for pct in (50, 99):
            cells = []
            base_value = _pct(base.latencies[name], pct) if name in base.latencies else None
            for c in columns:
                if name not in c.latencies:
                    cells.append("-")
                    continue
                cell = _cell(_pct(c.latencies[name], pct), base_value, "ms")
                if c.errors.get(name):
                    cell += f" !{c.errors[name]} err"
                cells.append(cell)
            rows.append((f"{name} p{pct}", cells))
    headers = ["", *[c.label for c in columns]]
    widths = [max(len(headers[0]), *(len(r[0]) for r in rows))]
    widths += [max(len(headers[i + 1]), *(len(r[1][i]) for r in rows)) for i in range(len(columns))]
    lines = [
        f"Linli benchmark {started:%Y-%m-%d %H:%M} UTC · {requests} requests a scenario, sequential, gunicorn 1 sync worker on loopback",
        f"python {sys.version.split()[0]} · {os.cpu_count()} CPUs · ratios against {base.label}",
        "",
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(t.ljust(w) for t, w in zip([label, *cells], widths, strict=True)) for label, cells in rows]
    lines += [
        "",
        "page = GET /residents/ (session), api = GET /api/residents (bearer token); community = demo_community",
        "(西林寺社区, ~10,000 residents at any scale), district = demo_district (the whole district).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,100", help="comma-separated numbers of streets (default 1,100)")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario (default 200)")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help=f"PostgreSQL database to create and drop (default {DEFAULT_PG})")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--generate-only", action="store_true", help="time the demo generation only")
    args = parser.parse_args(argv)
    # A plain `kill` should still stop the gunicorn child (Server.stop runs in a finally block).
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(143))
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database {', '.join(sorted(unknown))}")
    started = dt.datetime.now(dt.UTC)
    columns = [
        run_column(database, scale, pg_url=args.pg_url, requests=args.requests, keep=args.keep,
                   generate_only=args.generate_only)
        for database in databases
        for scale in scales
    ]
    table = render(columns, requests=args.requests, started=started)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y%m%d-%H%M%S}.txt"
    path.write_text(table, encoding="utf-8")
    print(table)
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
