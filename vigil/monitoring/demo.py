"""Invented reports for the demonstration instance, so that the review queue of `make run` is not empty.

These texts describe no real event or person; they are written in the style of the reports the queue receives.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from vigil.accounts.models import Team

DEMO_REPORTS = (
    (
        "demo-report-ru.txt",
        date(2025, 4, 14),
        "В ночь на 12 апреля в Нальчике полицейские задержали 24-летнего мужчину, с которым договорились о встрече "
        "через приложение для знакомств. В отделе его избили и заставили разблокировать телефон, угрожая рассказать "
        "родственникам о его ориентации. На следующий день суд арестовал его на 10 суток за неповиновение "
        "законному распоряжению сотрудника полиции, сообщила «Российская ЛГБТ-сеть». (Выдуманный пример.)",
    ),
    (
        "demo-report-en.txt",
        date(2025, 5, 20),
        "A 31-year-old citizen of Kyrgyzstan was detained in Moscow last week after a neighbour complained about him "
        "to the police, OVD-Info reported. Officers searched his phone, held him for two days and a court ordered his "
        "expulsion from Russia. He was deported on Sunday. (An invented example.)",
    ),
)


def create_demo_drafts(team: Team) -> int:
    """Ingest the invented reports into the review queue of `team`; needs an unsealed vault in this process."""
    from vigil.monitoring.ingest import ingest_files

    created = 0
    with tempfile.TemporaryDirectory() as directory:
        for name, reference, text in DEMO_REPORTS:
            path = Path(directory) / name
            path.write_text(text, encoding="utf-8")
            summary = ingest_files([path], team=team, reference_date=reference, progress=False)
            created += summary.drafts_created
    return created
