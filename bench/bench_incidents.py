"""The incident list and CSV import at scale, on SQLite and on PostgreSQL, in one run.

Targets (issue 4): with 100,000 incidents and 1,000,000 acts, the incident list with two filters and a full-text
query answers at p95 under 200 ms, and importing 100,000 CSV rows runs at 2,000 rows/s or more.

For each engine a child process gets a fresh instance (a temporary SQLite data directory; a new PostgreSQL database
on the server named by DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres, skipped if none answers),
imports the synthetic CSV of `incidents_data.py` through the real import (validation, bulk writes, one audit
entry), then times what the list page does (count and first page of 50) for random combinations of place (a region),
act type (with its finer types) and a full-text word, as a coordinator of the team sees them.

Run: .venv/bin/python bench/bench_incidents.py [ROWS] [ACTS_PER_INCIDENT] [QUERIES]
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 200.0
TARGET_ROWS_PER_S = 2000.0


def child(rows: int, acts: int, queries: int, csv_path: str) -> dict[str, float]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vigil.accounts.actions import do_create_team, do_create_user
    from vigil.accounts.models import Role
    from vigil.incidents.access import visible_incidents
    from vigil.incidents.listing import IncidentFilter, filter_incidents
    from vigil.incidents.transfer import import_incidents

    sys.path.insert(0, str(ROOT / "bench"))
    from incidents_data import WORDS

    call_command("migrate", verbosity=0)
    team = do_create_team(name="Bench")
    user = do_create_user(
        username="bench", password="a long bench password " + uuid.uuid4().hex, role=Role.COORDINATOR, teams=[team]
    )
    data = Path(csv_path).read_bytes()
    started = time.perf_counter()
    report = import_incidents(actor=user, team=team, data=data, file_format="csv")
    import_seconds = time.perf_counter() - started
    assert report.created == rows, report
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from vigil.reference.gazetteer import all_places
    from vigil.reference.vocabularies import load_vocabulary

    regions = [p.code for p in all_places() if p.kind == "region" and p.country_code == "RU"]
    act_types = [t.code for t in load_vocabulary("act_types").terms]
    rng = random.Random(7)
    timings: list[float] = []
    matched: list[int] = []
    for _ in range(queries):
        wanted = IncidentFilter(q=rng.choice(WORDS), place=rng.choice(regions), act_type=rng.choice(act_types))
        begin = time.perf_counter()
        queryset = filter_incidents(visible_incidents(user), wanted).order_by("-start_date", "-id")
        count = queryset.count()
        page = list(queryset[:50])
        timings.append((time.perf_counter() - begin) * 1000)
        matched.append(count)
        assert len(page) == min(count, 50)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return {
        "import_rows_per_s": rows / import_seconds,
        "import_seconds": import_seconds,
        "acts": report.acts,
        "p50_ms": statistics.median(timings),
        "p95_ms": p95,
        "max_ms": timings[-1],
        "median_matches": statistics.median(matched),
    }


def postgres_url() -> str | None:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", connect_timeout=3, autocommit=True) as conn:
            name = f"vigil_bench_{uuid.uuid4().hex[:10]}"
            conn.execute(f'CREATE DATABASE "{name}"')
        return base.rsplit("/", 1)[0] + f"/{name}"
    except Exception as error:
        print(f"PostgreSQL skipped: {error}")
        return None


def drop_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def run_engine(name: str, url: str | None, rows: int, acts: int, queries: int, csv_path: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_") and k != "DATABASE_URL"}
    data_dir = tempfile.mkdtemp(prefix="vigil-bench-")
    env.update({"VIGIL_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "vigil.settings", "VIGIL_LOG_LEVEL": "ERROR"})
    if url:
        env["DATABASE_URL"] = url
    command = [sys.executable, __file__, "--child", str(rows), str(acts), str(queries), str(csv_path)]
    try:
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if output.returncode != 0:
        raise SystemExit(f"{name} run failed:\n{output.stderr[-3000:]}")
    return dict(json.loads(output.stdout.strip().splitlines()[-1]))


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    acts = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    queries = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    sys.path.insert(0, str(ROOT / "bench"))
    from incidents_data import write_csv

    csv_dir = Path(tempfile.mkdtemp(prefix="vigil-bench-csv-"))
    csv_path = write_csv(csv_dir / "incidents.csv", rows, acts)
    print(
        f"{rows:,} incidents x {acts} acts = {rows * acts:,} acts; {queries} list queries (region + act type + words)"
    )
    results: dict[str, dict[str, float]] = {"SQLite": run_engine("SQLite", None, rows, acts, queries, csv_path)}
    url = postgres_url()
    if url:
        try:
            results["PostgreSQL"] = run_engine("PostgreSQL", url, rows, acts, queries, csv_path)
        finally:
            drop_postgres(url)
    print(
        f"{'engine':<12}{'import rows/s':>14}{'x target':>10}{'list p50 ms':>13}{'p95 ms':>9}"
        f"{'target/p95':>12}{'max ms':>9}"
    )
    for name, r in results.items():
        print(
            f"{name:<12}{r['import_rows_per_s']:>14,.0f}{r['import_rows_per_s'] / TARGET_ROWS_PER_S:>10.2f}"
            f"{r['p50_ms']:>13.1f}{r['p95_ms']:>9.1f}{TARGET_P95_MS / r['p95_ms']:>12.2f}{r['max_ms']:>9.1f}"
        )
    shutil.rmtree(csv_dir, ignore_errors=True)
    if "PostgreSQL" in results:
        s, p = results["SQLite"], results["PostgreSQL"]
        speed, latency = p["import_rows_per_s"] / s["import_rows_per_s"], p["p95_ms"] / s["p95_ms"]
        print(f"PostgreSQL/SQLite: import speed {speed:.2f}, list p95 {latency:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        result = child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        print(json.dumps(result))
    else:
        main()
