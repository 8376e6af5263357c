import io
import json
import time
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.extraction.items import ReadError, ReportItem
from vigil.extraction.readers import (
    CsvReader,
    HtmlReader,
    ReaderOptions,
    RssReader,
    TelegramReader,
    read_path,
)

# 2023-03-10 00:30 UTC; the exporter's local-time "date" field says 9 March.
STAMP_10_MARCH = "1678408200"


def items(found: list[ReportItem | ReadError]) -> list[ReportItem]:
    return [i for i in found if isinstance(i, ReportItem)]


def errors(found: list[ReportItem | ReadError]) -> list[ReadError]:
    return [i for i in found if isinstance(i, ReadError)]


def message(number: int, text: object, **extra: object) -> dict[str, object]:
    return {
        "id": number,
        "type": "message",
        "date": "2023-03-09T23:30:00",
        "date_unixtime": STAMP_10_MARCH,
        "text": text,
        **extra,
    }


def test_a_plain_text_file_is_one_report(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("Мужчину задержали в Грозном.", encoding="utf-8")
    found = list(read_path(path))
    assert [i.text for i in items(found)] == ["Мужчину задержали в Грозном."]


def test_html_keeps_the_article_and_drops_scripts_and_navigation(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Detained</title><script>alert('x')</script>"
        "<meta property='article:published_time' content='2024-01-17T10:00:00Z'></head>"
        "<body><nav>Home | News</nav><article><p>A man was detained in Grozny.</p>"
        "<style>p{}</style><p>He was beaten.</p></article><footer>Subscribe</footer></body></html>",
        encoding="utf-8",
    )
    [item] = items(list(read_path(path)))
    assert "A man was detained in Grozny." in item.text and "He was beaten." in item.text
    assert "alert" not in item.text and "Home" not in item.text and "Subscribe" not in item.text
    assert item.reference_date == date(2024, 1, 17)


def test_a_single_chat_telegram_export_yields_its_messages_with_their_own_dates(tmp_path: Path) -> None:
    export = {
        "name": "Channel",
        "type": "public_channel",
        "id": 42,
        "messages": [
            message(1, "Задержан мужчина."),
            {"id": 2, "type": "service", "action": "pin_message", "date_unixtime": STAMP_10_MARCH},
            message(3, ["Вчера ", {"type": "bold", "text": "задержали"}, " двоих."], forwarded_from="SK SOS"),
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    found = items(list(read_path(path)))
    assert [i.text for i in found] == ["Задержан мужчина.", "Вчера задержали двоих."]
    assert found[0].reference_date == date(2023, 3, 10)  # date_unixtime, not the local "date"
    assert found[1].provenance["forwarded_from"] == "SK SOS"
    assert found[1].item_id == "42:3"


def test_a_full_account_export_yields_the_messages_of_every_chat(tmp_path: Path) -> None:
    export = {
        "about": "x",
        "chats": {
            "about": "y",
            "list": [
                {"name": "A", "type": "personal_chat", "id": 1, "messages": [message(1, "first")]},
                {
                    "name": "B",
                    "type": "private_group",
                    "id": 2,
                    "messages": [message(1, "", text_entities=[{"type": "plain", "text": "from entities"}])],
                },
            ],
        },
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    found = items(list(read_path(path)))
    assert [(i.provenance["chat"], i.text) for i in found] == [("A", "first"), ("B", "from entities")]


def test_a_truncated_export_keeps_the_messages_read_and_reports_the_error(tmp_path: Path) -> None:
    whole = json.dumps({"name": "C", "id": 5, "messages": [message(1, "one"), message(2, "two")]})
    path = tmp_path / "result.json"
    path.write_text(whole[: whole.index("two") - 10], encoding="utf-8")
    found = list(read_path(path))
    assert [i.text for i in items(found)] == ["one"]
    assert "truncated or invalid JSON" in errors(found)[0].message


def test_a_binary_file_is_skipped_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [error] = list(read_path(path))
    assert isinstance(error, ReadError) and "binary" in error.message


def test_a_huge_single_message_is_capped_with_a_warning_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    huge = "задержан " * 3_000_000  # 51 MB of UTF-8, as Telegram Desktop writes it
    export = {"name": "C", "id": 1, "messages": [message(1, huge)]}
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    started = time.monotonic()
    [item] = items(list(TelegramReader(ReaderOptions(max_chars=100_000)).read(path)))
    assert len(item.text) == 100_000 and "cut" in item.warnings[0]
    assert time.monotonic() - started < 20


def test_an_rss_feed_yields_entries_with_their_dates_and_links() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title><link>https://ex.org</link>
    <item><title>Detained</title><link>https://ex.org/1</link><pubDate>Wed, 17 Jan 2024 10:00:00 GMT</pubDate>
    <description>&lt;p&gt;A man was detained.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</description></item>
    </channel></rss>"""
    [item] = items(list(RssReader().read(io.BytesIO(feed))))
    assert item.text.startswith("Detained") and "A man was detained." in item.text and "x()" not in item.text
    assert item.reference_date == date(2024, 1, 17)
    assert item.provenance["link"] == "https://ex.org/1"


def test_a_csv_without_the_text_column_names_the_missing_column() -> None:
    [error] = list(CsvReader().read(io.BytesIO(b"body,date\nhello,2024-01-01\n")))
    assert isinstance(error, ReadError) and "missing column(s): text" in error.message


def test_a_csv_row_keeps_its_own_date() -> None:
    data = "text,date\nЕго задержали вчера.,2024-01-17\n,2024-01-18\n".encode()
    found = list(CsvReader().read(io.BytesIO(data)))
    assert items(found)[0].reference_date == date(2024, 1, 17)
    assert "empty" in errors(found)[0].message


def test_html_reader_never_executes_or_fetches_anything() -> None:
    markup = b"<img src=x onerror=alert(1)><iframe src='http://evil'></iframe><p>ok text here</p>"
    [item] = items(list(HtmlReader().read(io.BytesIO(markup))))
    assert item.text == "ok text here"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_readers_never_crash_on_arbitrary_bytes(data: bytes) -> None:
    for reader in (TelegramReader(), RssReader(), CsvReader(), HtmlReader()):
        for found in reader.read(io.BytesIO(data)):
            assert isinstance(found, ReportItem | ReadError)
