"""Benchmark of the demand database on PostgreSQL: intake throughput and the staff queue at scale.

    .venv/bin/python bench/demands.py                          # demo --scale 100, 1,000,000 demands
    .venv/bin/python bench/demands.py --scale 1 --demands 20000 --seconds 5     # a quick look

1. Builds a fresh PostgreSQL database with ``linli demo --scale N`` and bulk-loads ``--demands``
   demands spread over every community of the district (most of them closed, as in real life).
2. Starts gunicorn (``--workers`` sync workers) on a loopback port.
3. Throughput, each for ``--seconds`` with ``--clients`` threads on keep-alive connections:
   the trivial endpoint ``GET /healthz`` (one ``SELECT 1``) and then the intake
   ``POST /api/demands`` (bearer token, a new Idempotency-Key per request). It prints requests per
   second and the ratio intake / trivial, and checks that every acknowledged demand (201) is
   stored: acknowledged must equal stored.
4. Queue latency, sequential, ``--requests`` each: ``GET /api/demands`` for the community worker
   (one community's demands) and the district officer (all of them), page 1 and deep pages by
   keyset, and the overdue filter. p50 and p99.

Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import Server, _drop_database, _env, _fresh_database, _linli, _pct  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/linli_bench_demands"
BODY_TEXTS = ["想请人每天中午送饭", "楼道灯坏了", "水龙头漏水，老人修不了", "想咨询低保怎么申请", "电梯坏了物业不来修"]

LOADER = r"""
import datetime as dt, random, secrets, sys
import django
django.setup()
from django.utils import timezone
from linli.catalog.models import ServiceItem
from linli.demands.models import Demand, TRACKING_ALPHABET
from linli.regions.models import Region, Level
total = int(sys.argv[1])
rng = random.Random(7)
grids = list(Region.objects.filter(level=Level.GRID).only("pk", "path", "parent_id"))
items = list(ServiceItem.objects.values_list("pk", flat=True))
states = ["closed"] * 14 + ["resolved", "cancelled", "rejected", "submitted", "triaged", "assigned", "in_service"]
now = timezone.now()
batch = []
for n in range(total):
    g = rng.choice(grids)
    created = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
    batch.append(Demand(
        tracking_number="".join(rng.choice(TRACKING_ALPHABET) for _ in range(8)) + f"{n:04d}"[-4:],
        region_id=g.pk, path=g.path, community_id=g.parent_id, item_id=rng.choice(items),
        description="批量生成的需求", urgency=rng.choice([1, 2, 2, 2, 3, 4]), channel="phone",
        consent="verbal", state=rng.choice(states), created_at=created,
        due_at=created + dt.timedelta(hours=72),
    ))
    if len(batch) == 10000:
        Demand.objects.bulk_create(batch); batch = []
        print(f"  {n + 1:,} demands", file=sys.stderr, flush=True)
if batch:
    Demand.objects.bulk_create(batch)
from django.db import connection
with connection.cursor() as c:
    c.execute("ANALYZE demands_demand")
"""


def _load(env: dict[str, str], total: int) -> float:
    import subprocess

    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", LOADER, str(total)], env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


def _hammer(base: str, *, seconds: float, clients: int, make_request) -> tuple[int, int, list[float]]:
    """``clients`` threads send requests for ``seconds``; returns (ok, failed, latencies ms)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {"ok": 0, "failed": 0}
    latencies: list[float] = []

    def run(worker: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        n = 0
        ok = failed = 0
        mine = []
        while time.monotonic() < deadline:
            method, path, body, headers, expect = make_request(worker, n)
            n += 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                good = response.status == expect
            except (OSError, http.client.HTTPException):
                good = False
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
            mine.append((time.perf_counter() - started) * 1000)
            ok += good
            failed += not good
        with lock:
            totals["ok"] += ok
            totals["failed"] += failed
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return totals["ok"], totals["failed"], latencies


def _get(base: str, path: str, token: str) -> tuple[int, dict]:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def _queue_latency(base: str, token: str, requests: int, *, overdue: bool = False) -> tuple[list[float], int]:
    """Sequential queue pages: page 1, then keyset pages down to 20 deep, again and again."""
    latencies, errors, before = [], 0, None
    for i in range(requests):
        query = {"limit": 50, "all_states": "true"}
        if overdue:
            query = {"limit": 50, "overdue": "true"}
        if before and i % 20:
            query["before"] = before
        started = time.perf_counter()
        status, body = _get(base, "/api/demands?" + urllib.parse.urlencode(query), token)
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            errors += 1
            continue
        before = body.get("next_before")
    return latencies, errors


def _resident_ids(base: str, token: str) -> list[int]:
    ids = []
    for page in range(1, 11):
        _status, body = _get(base, f"/api/residents?page={page}&page_size=200", token)
        ids += [r["id"] for r in body.get("items", [])]
    return ids


def _stored(env: dict[str, str], since: str) -> int:
    code = (
        "import django; django.setup(); from linli.demands.models import Demand; "
        f"print(Demand.objects.filter(created_by__username='demo_community', channel__in=['api', 'phone'], created_at__gte='{since}').count())"
    )
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--demands", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3 on 2 CPUs)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = _fresh_database("postgres", args.pg_url, args.scale)
    env = _env(url)
    _linli(env, "migrate", "--noinput", "-v", "0", "--skip-checks")
    started = time.perf_counter()
    _linli(env, "demo", "--scale", str(args.scale), echo=True)
    print(f"demo --scale {args.scale}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"loading {args.demands:,} demands", file=sys.stderr)
    load_s = _load(env, args.demands)
    tokens = {u: _linli(env, "token", "--skip-checks", "create", "--user", u, "--name", "bench").strip().splitlines()[-1]
              for u in ("demo_community", "demo_district")}
    server = Server(env, workers=args.workers)
    lines = []
    try:
        server.wait()
        trivial_ok, trivial_failed, trivial_lat = _hammer(
            server.base, seconds=args.seconds, clients=args.clients,
            make_request=lambda w, n: ("GET", "/healthz", None, {}, 200))
        since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 1))
        rng = random.Random(3)
        headers = {"Authorization": f"Bearer {tokens['demo_community']}", "Content-Type": "application/json"}

        residents = _resident_ids(server.base, tokens["demo_community"])

        def intake(worker: int, n: int):
            # Four in five for a resident recorded by phone, one in five a public-area demand.
            fields = ({"resident": rng.choice(residents), "channel": "phone"} if n % 5 else
                      {"region": "330502001001-G01", "channel": "api"})
            body = json.dumps({**fields, "item": rng.choice(("0102", "0101", "1002", "0601")),
                               "description": rng.choice(BODY_TEXTS) + f" #{worker}-{n}"})
            return "POST", "/api/demands", body, {**headers, "Idempotency-Key": f"bench-{worker}-{n}-{since}"}, 201

        intake_ok, intake_failed, intake_lat = _hammer(server.base, seconds=args.seconds, clients=args.clients,
                                                       make_request=intake)
        stored = _stored(env, since)
        queue = {
            "queue · community (page 1 → 20 deep)": _queue_latency(server.base, tokens["demo_community"], args.requests),
            "queue · district (page 1 → 20 deep)": _queue_latency(server.base, tokens["demo_district"], args.requests),
            "queue · district, overdue": _queue_latency(server.base, tokens["demo_district"], args.requests, overdue=True),
        }
    finally:
        server.stop()
        if not args.keep:
            _drop_database("postgres", url)

    trivial_rps = trivial_ok / args.seconds
    intake_rps = intake_ok / args.seconds
    lines += [
        f"Linli demand benchmark · PostgreSQL · demo --scale {args.scale} · {args.demands:,} demands "
        f"(loaded in {load_s:.0f} s) · gunicorn {args.workers} sync workers · {args.clients} client threads · "
        f"{args.seconds:.0f} s each",
        "",
        f"trivial GET /healthz      {trivial_rps:8.1f} req/s   p50 {_pct(trivial_lat, 50):6.1f} ms  p99 "
        f"{_pct(trivial_lat, 99):6.1f} ms   failed {trivial_failed}",
        f"intake POST /api/demands  {intake_rps:8.1f} req/s   p50 {_pct(intake_lat, 50):6.1f} ms  p99 "
        f"{_pct(intake_lat, 99):6.1f} ms   failed {intake_failed}",
        f"intake / trivial          ×{intake_rps / trivial_rps:.2f}",
        f"acknowledged (201) {intake_ok:,} · stored {stored:,} · {'equal' if intake_ok == stored else 'NOT EQUAL'}",
        "",
    ]
    for name, (lat, errors) in queue.items():
        lines.append(f"{name:40s} p50 {_pct(lat, 50):6.1f} ms  p99 {_pct(lat, 99):6.1f} ms"
                     + (f"  ({errors} errors)" if errors else ""))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
