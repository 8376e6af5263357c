"""Throughput of the extraction pipeline against Natasha alone, and start-up time.

Targets (issue 5): at least 20 reports of about 2 KB per second on one core end
to end; no more than 3x the time of Natasha's segmenter + NER on the same texts;
start-up under 3 s.  Texts are generated here from templates (the samples are not
copied into the repository); with ``--samples DIR`` the sample reports are
measured too.

Run: ``.venv/bin/python bench/bench_extract.py [--reports 200] [--samples ../shared/samples]``
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RU = [
    "{day} {month_ru} {year} года в {city_ru} сотрудники полиции задержали {age}-летнего {name_ru}.",
    "По словам правозащитников, его доставили в отдел полиции, где избивали и требовали разблокировать телефон.",
    "Полицейские угрожали рассказать родственникам о его ориентации и возбудить уголовное дело.",
    "Суд арестовал мужчину на {days} суток по статье 19.3 КоАП РФ за неповиновение полицейскому.",
    "Об этом сообщила Российская ЛГБТ-сеть со ссылкой на знакомых задержанного.",
    "После освобождения {name_ru} покинул Россию и сейчас находится в безопасности.",
    "Ранее правозащитники неоднократно сообщали о преследовании геев на Северном Кавказе.",
    "В прошлом году в регионе были задержаны десятки мужчин, многих из них пытали током.",
    "Родственники узнали о задержании только через неделю, адвоката к нему не пускали.",
    "В ведомстве отказались комментировать ситуацию, запрос журналистов остался без ответа.",
]
EN = [
    "Police in {city_en} detained a {age}-year-old man named {name_en} on {day} {month_en} {year}.",
    "He was taken to a police station, beaten and forced to unlock his phone, the Russian LGBT Network said.",
    "Officers threatened to tell his relatives about his sexual orientation and to open a criminal case.",
    "A court sentenced him to {days} days of administrative arrest for disobeying a police officer.",
    "After his release {name_en} fled Russia, according to SK SOS.",
    "Rights groups have documented a pattern of detentions of gay men in the North Caucasus since 2017.",
    "His family was not told where he was held, and a lawyer was not allowed to see him.",
    "The regional interior ministry did not respond to a request for comment.",
]
FILL = {
    "city_ru": ["Грозном", "Махачкале", "Нальчике", "Назрани", "Владикавказе"],
    "city_en": ["Grozny", "Makhachkala", "Nalchik", "Nazran", "Vladikavkaz"],
    "name_ru": ["Ахмеда", "Руслана", "Ислама", "Тимура"],
    "name_en": ["Akhmed", "Ruslan", "Islam", "Timur"],
    "month_ru": ["января", "марта", "мая", "августа", "ноября"],
    "month_en": ["January", "March", "May", "August", "November"],
}


def make_reports(count: int, seed: int = 5) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for number in range(count):
        lang = "ru" if number % 2 == 0 else "en"
        templates = RU if lang == "ru" else EN
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < 2000:
            values: dict[str, object] = {k: rng.choice(v) for k, v in FILL.items()}
            values.update(
                day=rng.randint(1, 28), year=rng.randint(2018, 2024), age=rng.randint(18, 45), days=rng.randint(2, 15)
            )
            parts.append(rng.choice(templates).format(**values))
        out.append(("\n".join(parts), lang))
    return out


def startup_seconds() -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.write(make_reports(1)[0][0])
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vigil.extraction", handle.name], cwd=ROOT, capture_output=True, check=False)
    Path(handle.name).unlink()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark vigil extract.")
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--samples", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="repeat each measurement; the best run counts")
    args = parser.parse_args(argv)

    from natasha import Doc

    from vigil.extraction import entities
    from vigil.extraction.pipeline import extract_report

    reports = make_reports(args.reports)
    if args.samples and args.samples.is_dir():
        reports += [
            (p.read_text(encoding="utf-8"), "ru" if p.stem.endswith("-ru") else "en")
            for p in sorted(args.samples.glob("*.txt"))
        ]
    entities.load_models()
    extract_report(reports[0][0], date(2024, 1, 1), reports[0][1])  # warm caches once

    def best_of(runs: int, work: Callable[[], None]) -> float:
        """Minimum wall time of several runs: the least disturbed by other processes."""
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return min(times)

    def pipeline_all() -> None:
        for text, lang in reports:
            extract_report(text, date(2024, 6, 1), lang)

    russian = [t for t, lang in reports if lang == "ru"]
    segmenter, tagger = entities._natasha()

    def natasha_only() -> None:
        for text in russian:
            doc = Doc(text)
            doc.segment(segmenter)
            doc.tag_ner(tagger)

    def pipeline_russian() -> None:
        for text in russian:
            extract_report(text, date(2024, 6, 1), "ru")

    total = best_of(args.runs, pipeline_all)
    natasha = best_of(args.runs, natasha_only)
    ours_ru = best_of(args.runs, pipeline_russian)

    size = sum(len(t.encode()) for t, _ in reports) / len(reports)
    print(f"reports: {len(reports)} (mean {size:.0f} bytes), Russian: {len(russian)}")
    print(f"end to end: {len(reports) / total:.1f} reports/s (target >= 20)")
    print(
        f"Russian: pipeline {ours_ru / len(russian) * 1000:.1f} ms/report, "
        f"Natasha segmenter+NER {natasha / len(russian) * 1000:.1f} ms/report, "
        f"ratio {ours_ru / natasha:.2f}x (target <= 3x)"
    )
    print(f"start-up (python -m vigil.extraction on one Russian report): {startup_seconds():.2f} s (target < 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
