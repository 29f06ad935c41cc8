"""Benchmark of the ledgers on PostgreSQL: redemption throughput, and balance lookups as the ledger grows.

    .venv/bin/python bench/ledger.py                            # 10,000 then 10,000,000 entries
    .venv/bin/python bench/ledger.py --deep 1000000 --seconds 5 # a quick look

1. Migrates a fresh database (``--pg-url``, default ``linli_bench_ledger``) and, in this process,
   builds the test street (``linli.testing.build_world``), ``--clients`` volunteers with accounts
   and a billion points each, five items with plenty of stock in 西林寺社区's 爱心铺, and
   ``--holders`` volunteers whose points accounts take the bulk-loaded entries.
2. Bulk-loads balanced transfers (the community fund → a volunteer, two entries each) with
   ``INSERT … SELECT generate_series`` until the ledger holds ``--small`` entries; each batch moves
   the cached balances in the same statement, so the books stay exact.
3. At that size: balance lookups, sequential, ``--lookups`` each after a warm-up, for a random
   holder: ``volunteer_account(v, "points").balance`` (what the services read), the selectors
   ``wallet(v)`` and ``history(v)`` (the 我的 page; also, 20 times, for a newcomer with a single
   entry), and, for contrast, the sum of the account's entries (what a balance would cost without
   the cache), against ``SELECT 1`` as the baseline; each in blocks of its own, in four rounds.
   p50 and p99.
4. Throughput for ``--seconds`` each, ``--clients`` threads released together: a trivial baseline
   (``SELECT 1`` through Django's connection, one per thread) and ``linli.shop.services.redeem``
   called directly, each thread its own volunteer, round-robin over the five items. Then the same
   over HTTP (``GET /healthz`` against ``POST /api/shop/items/{id}/redeem``) to gunicorn with
   ``--workers`` sync workers (``--no-api`` to skip). req/s, p50, p99 and the ratio to the baseline,
   and, sampled from ``pg_stat_activity``, how many sessions were waiting for a row lock and where.
5. Loads up to ``--deep`` entries (progress on stderr), VACUUM ANALYZE, CHECKPOINT, and repeats 3 and 4.
6. Checks the books: ``trial_balance`` of every ledger and ``ledger_check()`` (timed).

Figures only; nothing here passes or fails. The client threads share the machine (and Python's
GIL) with PostgreSQL and gunicorn: read the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, Server, _drop_database, _env, _fresh_database, _linli, _pct  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/linli_bench_ledger"
BATCH = 500_000  # transfers per loading statement (a million entries)
ROUNDS = 4  # lookups: each scenario's block this many times
NEWCOMER_SAMPLES = 20  # a newcomer's history can take seconds on a large ledger

LOAD_SQL = """
WITH t AS (
    INSERT INTO ledger_transfer (ledger, kind, memo, source, data, created_at)
    SELECT 'points', 'bonus', 'bench', '', '{}'::jsonb, now() FROM generate_series(1, %(n)s)
    RETURNING id
), e AS (
    INSERT INTO ledger_entry (transfer_id, account_id, amount)
    SELECT t.id, v.account_id, v.amount
    FROM t CROSS JOIN LATERAL (VALUES (%(fund)s, -(1 + t.id %% 50)),
                                      ((%(holders)s::bigint[])[1 + t.id %% %(k)s], 1 + t.id %% 50)) v(account_id, amount)
    RETURNING account_id, amount
)
UPDATE ledger_account a SET balance = a.balance + d.delta
FROM (SELECT account_id, SUM(amount) AS delta FROM e GROUP BY account_id) d
WHERE a.id = d.account_id
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data -----------------------------------------------------------------------------------------


class Setup:
    def __init__(self, *, clients: int, holders: int) -> None:
        from linli.ledger.models import AccountKind, Ledger
        from linli.ledger.services import points_bonus, system_account, volunteer_account
        from linli.shop.services import donation_receive, item_create
        from linli.supply.tests.factories import make_volunteer
        from linli.testing import build_world, make_user

        started = time.perf_counter()
        self.world = world = build_world()
        staff = world.users["community_a"]
        self.clients = []
        for i in range(clients):
            v = make_volunteer(region=world.grid_a1, user=make_user(f"bench{i}"), name=f"志愿者{i}")
            points_bonus(user=staff, volunteer=v, points=10**9, reason="bench")
            self.clients.append(v)
        self.items = []
        for i, name in enumerate(("大米5斤", "食用油", "毛巾", "洗衣液", "理发券")):
            item = item_create(user=staff, region=world.community_a, name=name, price=i + 1)
            donation_receive(user=staff, item=item, donor_name="联华超市", donor_kind="business", quantity=10**8)
            self.items.append(item)
        self.holders = [make_volunteer(region=world.grid_a2, name=f"持有人{i}") for i in range(holders)]
        self.newcomer = make_volunteer(region=world.grid_a2, name="新来的")  # one entry, whatever the ledger's size
        points_bonus(user=staff, volunteer=self.newcomer, points=5, reason="欢迎")
        self.holder_accounts = [volunteer_account(v, Ledger.POINTS).pk for v in self.holders]
        self.fund = system_account(Ledger.POINTS, AccountKind.ISSUER, world.community_a).pk
        log(f"setup: the street, {clients} client volunteers, {holders} holders, 5 items "
            f"({time.perf_counter() - started:.1f} s)")


def entries_count() -> int:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM ledger_entry")
        return c.fetchone()[0]


def load_to(setup: Setup, total: int) -> float:
    """Add balanced two-entry transfers until the ledger holds about ``total`` entries."""
    from django.db import connection, transaction

    started = time.perf_counter()
    have = entries_count()
    left = max(0, (total - have) // 2)
    log(f"loading {left * 2:,} entries ({have:,} already) …")
    while left:
        n = min(BATCH, left)
        batch_started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as c:
            c.execute(LOAD_SQL, {"n": n, "fund": setup.fund, "holders": setup.holder_accounts,
                                 "k": len(setup.holder_accounts)})
        left -= n
        have += 2 * n
        log(f"  {have:,} entries  ({2 * n / (time.perf_counter() - batch_started):,.0f} entries/s)")
    with connection.cursor() as c:
        for table in ("ledger_entry", "ledger_transfer", "ledger_account"):
            c.execute(f"VACUUM ANALYZE {table}")
        c.execute("CHECKPOINT")  # so the writes of the load do not overlap the measurements
    seconds = time.perf_counter() - started
    log(f"  loaded and vacuumed in {seconds:.0f} s")
    return seconds


# --- measurements ---------------------------------------------------------------------------------


def lookups(setup: Setup, count: int) -> dict[str, list[float]]:
    from django.db import connection
    from django.db.models import Sum

    from linli.ledger import selectors
    from linli.ledger.models import Entry, Ledger
    from linli.ledger.services import volunteer_account

    def select_1(_v) -> None:
        with connection.cursor() as c:
            c.execute("SELECT 1")
            c.fetchone()

    rng = random.Random(11)
    holder = lambda: rng.choice(setup.holders)  # noqa: E731
    newcomer = lambda: setup.newcomer  # noqa: E731
    scenarios = {  # name: (call, whose, samples)
        "baseline · SELECT 1": (select_1, holder, count),
        "balance · volunteer_account(v).balance": (lambda v: volunteer_account(v, Ledger.POINTS).balance, holder, count),
        "wallet · selectors.wallet(v)": (lambda v: selectors.wallet(v).points, holder, count),
        "history · selectors.history(v), 50": (lambda v: len(list(selectors.history(v))), holder, count),
        "history · a newcomer's (one entry)": (lambda v: len(list(selectors.history(v))), newcomer, NEWCOMER_SAMPLES),
        "uncached · sum of the account's entries": (lambda v: Entry.objects.filter(
            account__volunteer=v, account__ledger=Ledger.POINTS).aggregate(s=Sum("amount"))["s"], holder, count),
    }
    out = {name: [] for name in scenarios}
    # Each scenario in a block of its own (a cheap query right after an expensive one pays for it on
    # a small machine), the blocks in ROUNDS rounds so that a passing disturbance touches them all.
    for _round in range(ROUNDS):
        for name, (call, whose, samples) in scenarios.items():
            for _ in range(min(10, samples)):  # warm-up
                call(whose())
            for _ in range(max(1, samples // ROUNDS)):
                v = whose()
                started = time.perf_counter()
                call(v)
                out[name].append((time.perf_counter() - started) * 1000)
    for name, latencies in out.items():
        log(f"  {name}: p50 {_pct(latencies, 50):.2f} ms, p99 {_pct(latencies, 99):.2f} ms")
    return out


class LockWaits:
    """Samples ``pg_stat_activity`` every 50 ms from its own connection: how many of the other
    sessions are running a statement, and which table the statements waiting for a lock update
    (a row lock shows as a wait for the transaction holding it)."""

    SQL = ("SELECT state = 'active', wait_event_type = 'Lock', substring(query from 'UPDATE \"([a-z_]+)\"') "
           "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")

    def __enter__(self):
        import psycopg
        from django.db import connection

        params = connection.get_connection_params()
        self.conn = psycopg.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "host", "port", "password"}},
                                    autocommit=True)
        self.samples = 0
        self.active = 0
        self.waiting: dict[str, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        return self

    def _run(self):
        while not self.stop.wait(0.05):
            rows = self.conn.execute(self.SQL).fetchall()
            self.samples += 1
            self.active += sum(1 for active, _w, _t in rows if active)
            for _a, waiting, table in rows:
                if waiting:
                    self.waiting[table or "other"] = self.waiting.get(table or "other", 0) + 1

    def __exit__(self, *_exc):
        self.stop.set()
        self.thread.join()
        self.conn.close()

    def means(self) -> tuple[float, dict[str, float]]:
        n = max(1, self.samples)
        return self.active / n, {table: count / n for table, count in sorted(self.waiting.items())}


def hammer(threads: int, seconds: float, work) -> tuple[int, dict[str, int], list[float], tuple]:
    """``threads`` threads released together call ``work(thread)`` for ``seconds``; returns
    (calls that returned, refusals by DomainError code, latencies in ms, mean sessions active and
    waiting for a lock by table)."""
    from django.db import connection

    from linli.core.errors import DomainError

    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    done = {"ok": 0}
    refused: dict[str, int] = {}
    latencies: list[float] = []

    def run(t: int) -> None:
        mine, ok, codes = [], 0, {}
        try:
            barrier.wait()
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    work(t)
                    ok += 1
                except DomainError as exc:
                    codes[exc.code] = codes.get(exc.code, 0) + 1
                mine.append((time.perf_counter() - started) * 1000)
        finally:
            connection.close()
            with lock:
                done["ok"] += ok
                latencies.extend(mine)
                for code, n in codes.items():
                    refused[code] = refused.get(code, 0) + n

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    with LockWaits() as waits:
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    return done["ok"], refused, latencies, waits.means()


def throughput(setup: Setup, *, threads: int, seconds: float) -> dict[str, tuple]:
    from django.db import connection

    from linli.accounts.models import User
    from linli.shop.models import ShopItem
    from linli.shop.services import redeem

    def trivial(_t: int) -> None:
        with connection.cursor() as c:
            c.execute("SELECT 1")
            c.fetchone()

    local = threading.local()

    def redeem_one(t: int) -> None:
        if not hasattr(local, "item"):  # each thread its own instances
            local.item = ShopItem.objects.select_related("region").get(pk=setup.items[t % len(setup.items)].pk)
            local.user = User.objects.get(pk=setup.clients[t].user_id)
        redeem(user=local.user, item=local.item)

    out = {}
    for name, work in (("trivial · SELECT 1", trivial), ("redeem · shop.services.redeem", redeem_one)):
        ok, refused, latencies, (active, waiting) = hammer(threads, seconds, work)
        out[name] = (ok / seconds, latencies, refused, (active, waiting))
        log(f"  {name}: {ok / seconds:.1f} /s, p50 {_pct(latencies, 50):.1f} ms, p99 {_pct(latencies, 99):.1f} ms, "
            f"sessions active {active:.1f}, waiting for a lock {waits_text(waiting)}" + (f", refused {refused}" if refused else ""))
    return out


def wait_for(server: Server, timeout: float = 120) -> None:
    """Until every worker has answered once (a cold worker's first request can take seconds)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 10:
        if time.monotonic() > deadline or server.proc.poll() is not None:
            raise SystemExit("gunicorn did not answer in time")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=30) as r:  # noqa: S310 - loopback
                answered += r.status == 200
        except OSError:
            time.sleep(0.3)


def throughput_api(setup: Setup, env: dict[str, str], *, threads: int, seconds: float, workers: int) -> dict[str, tuple]:
    import json

    from demands import _hammer

    from linli.accounts.services import api_token_create

    tokens = [api_token_create(user=v.user, name="bench")[1] for v in setup.clients]
    server = Server(env, workers=workers)
    out = {}
    try:
        wait_for(server)
        body = json.dumps({"quantity": 1})

        def redeem_request(worker: int, _n: int):
            item = setup.items[worker % len(setup.items)]
            headers = {"Authorization": f"Bearer {tokens[worker % len(tokens)]}", "Content-Type": "application/json"}
            return "POST", f"/api/shop/items/{item.pk}/redeem", body, headers, 201

        for name, make in (("trivial · GET /healthz", lambda w, n: ("GET", "/healthz", None, {}, 200)),
                           ("redeem · POST /api/shop/items/{id}/redeem", redeem_request)):
            _hammer(server.base, seconds=2, clients=threads, make_request=make)  # warm-up: every worker, every route
            with LockWaits() as waits:
                ok, failed, latencies = _hammer(server.base, seconds=seconds, clients=threads, make_request=make)
            out[name] = (ok / seconds, latencies, {"failed": failed} if failed else {}, waits.means())
            log(f"  {name}: {ok / seconds:.1f} req/s, p50 {_pct(latencies, 50):.1f} ms, "
                f"p99 {_pct(latencies, 99):.1f} ms" + (f", failed {failed}" if failed else ""))
    finally:
        server.stop()
    return out


def books() -> tuple[dict, list, float]:
    from linli.ledger.models import Ledger
    from linli.ledger.services import ledger_check, trial_balance

    totals = {ledger: trial_balance(ledger) for ledger in Ledger.values}
    started = time.perf_counter()
    problems = ledger_check()
    return totals, problems, time.perf_counter() - started


def stock_check(setup: Setup) -> bool:
    from django.db.models import Sum

    from linli.shop.models import Redemption, ShopItem

    for item in setup.items:
        taken = Redemption.objects.filter(item=item).exclude(state="cancelled").aggregate(s=Sum("quantity"))["s"] or 0
        if ShopItem.objects.get(pk=item.pk).stock != 10**8 - taken:
            return False
    return True


# --- report ---------------------------------------------------------------------------------------


def waits_text(waiting: dict[str, float]) -> str:
    total = sum(waiting.values())
    if not total:
        return "0.0"
    return f"{total:.1f} (" + ", ".join(f"{table} {n:.1f}" for table, n in waiting.items()) + ")"


def rate_lines(figures: dict[str, tuple]) -> list[str]:
    lines = []
    for name, (rate, lat, refused, (active, waiting)) in figures.items():
        lines.append(f"  {name:44s} {rate:9.1f} /s   p50 {_pct(lat, 50):7.2f} ms  p99 {_pct(lat, 99):7.2f} ms   "
                     f"sessions active {active:4.1f}, waiting for a lock {waits_text(waiting)}"
                     + (f"   refused {refused}" if refused else ""))
    (_b, (base_rate, *_rest)), (_n, (rate, *_rest2)) = figures.items()
    return [*lines, f"  {'redeem / trivial':44s} ×{rate / base_rate:.3f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="entries for the first measurements")
    parser.add_argument("--deep", type=int, default=10_000_000, help="entries for the second")
    parser.add_argument("--holders", type=int, default=1_000, help="volunteer accounts the entries are spread over")
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=20, help="client threads (and client volunteers)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers for the API figures")
    parser.add_argument("--no-api", dest="api", action="store_false", help="skip the HTTP figures")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = _fresh_database("postgres", args.pg_url, 0)
    env = _env(url)
    _linli(env, "migrate", "--noinput", "-v", "0", "--skip-checks")
    os.environ.update(env)
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # users log in by token here

    sizes = {}
    try:
        setup = Setup(clients=args.clients, holders=args.holders)
        for target in (args.small, args.deep):
            load_s = load_to(setup, target)
            count = entries_count()
            log(f"== {count:,} entries")
            figures = {"entries": count, "load_s": load_s, "lookups": lookups(setup, args.lookups),
                       "service": throughput(setup, threads=args.clients, seconds=args.seconds)}
            if args.api:
                figures["api"] = throughput_api(setup, env, threads=args.clients, seconds=args.seconds,
                                                workers=args.workers)
            sizes[target] = figures
        totals, problems, check_s = books()
        stock_ok = stock_check(setup)
        final = entries_count()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _drop_database("postgres", url)

    small, deep = sizes[args.small], sizes[args.deep]
    lines = [
        f"Linli ledger benchmark · PostgreSQL · {args.holders:,} holder accounts · {args.clients} client threads · "
        f"{args.seconds:.0f} s each · {args.lookups:,} lookups each",
        "",
        f"balance lookups (ms)                          {small['entries']:>12,} entries    {deep['entries']:>12,} entries"
        f"   (loaded in {deep['load_s']:.0f} s)   p50 ratio",
    ]
    for name, lat in small["lookups"].items():
        big = deep["lookups"][name]
        lines.append(f"  {name:44s} p50 {_pct(lat, 50):7.2f}  p99 {_pct(lat, 99):7.2f}    "
                     f"p50 {_pct(big, 50):7.2f}  p99 {_pct(big, 99):7.2f}        ×{_pct(big, 50) / _pct(lat, 50):.2f}")
    for target, figures in sizes.items():
        lines += ["", f"redemptions, {args.clients} threads calling the service · {figures['entries']:,} entries"]
        lines += rate_lines(figures["service"])
        if "api" in figures:
            lines += [f"redemptions over HTTP, {args.clients} client threads, gunicorn {args.workers} sync workers · "
                      f"{figures['entries']:,} entries"]
            lines += rate_lines(figures["api"])
        del target
    lines += [
        "",
        f"books at {final:,} entries: trial balance "
        + ", ".join(f"{ledger} {t['entries']}/{t['balances']}" for ledger, t in totals.items())
        + f" (entries/balances) · ledger_check() {len(problems)} problems in {check_s:.1f} s"
        + f" · stock {'= donated − redeemed' if stock_ok else 'MISMATCH'}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
