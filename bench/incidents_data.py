"""Synthetic incidents for the benchmarks: a CSV in the import format, invented data only.

Each row is one incident with `acts_per_incident` act types (so 100,000 rows make 1,000,000 acts), a place drawn
from the gazetteer's Russian regions and cities, a date between 2015 and 2025 at a random precision, and a title and
summary built from a small bilingual word list, so that full-text queries match a realistic share of incidents.
The random generator is seeded: the same arguments give the same file.

Run alone: .venv/bin/python bench/incidents_data.py OUT.csv [ROWS] [ACTS_PER_INCIDENT]
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Iterator
from pathlib import Path

WORDS = (
    (
        "задержание облава свидание полиция кафе парень мужчины телефон переписка угрозы избиение протокол суд штраф "
        "арест выдворение адвокат родственники отдел подвал видео признание детention raid date police phone chat "
        "threats beating protocol court fine arrest expulsion lawyer family station basement video confession "
        "checkpoint fake profile telegram channel hostel market taxi university"
    )
    .replace("детention", "задержанного")
    .split()
)
PERPETRATORS = ("police", "centre_e", "fsb", "chechen_police_units", "rosgvardia", "family", "unknown", "court")
ARTICLES = ("KoAP 19.3", "KoAP 6.21", "KoAP 20.1", "UK 282.2", "UK 242")


def _places() -> list[str]:
    from vigil.reference.gazetteer import all_places

    return [p.code for p in all_places() if p.country_code == "RU" and p.kind in ("region", "city")]


def _act_types() -> list[str]:
    from vigil.reference.vocabularies import load_vocabulary

    return list(load_vocabulary("act_types").codes())


def rows(count: int, acts_per_incident: int, seed: int = 4) -> Iterator[list[str]]:
    rng = random.Random(seed)
    places, act_types = _places(), _act_types()
    for index in range(count):
        year = rng.randint(2015, 2025)
        month = rng.randint(1, 12)
        precision = rng.random()
        if precision < 0.5:
            start = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
        elif precision < 0.8:
            start = f"{year}-{month:02d}"
        elif precision < 0.95:
            start = str(year)
        else:
            start = f"~{year}"
        yield [
            f"bench-{index}",
            " ".join(rng.choices(WORDS, k=6)).capitalize(),
            " ".join(rng.choices(WORDS, k=40)) + ".",
            rng.choice(places),
            start,
            rng.choice(("V0", "V1", "V2", "V3")),
            ";".join(rng.sample(act_types, acts_per_incident)),
            ";".join(rng.sample(PERPETRATORS, rng.randint(1, 2))),
            ";".join(rng.sample(ARTICLES, rng.randint(0, 2))),
        ]


HEADER = ["external_id", "title", "summary", "place", "start", "verification", "act_types", "perpetrators", "articles"]


def write_csv(path: Path, count: int, acts_per_incident: int = 10) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(count, acts_per_incident))
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    write_csv(out, int(sys.argv[2]) if len(sys.argv) > 2 else 100_000, int(sys.argv[3]) if len(sys.argv) > 3 else 10)
    print(f"wrote {out}")
