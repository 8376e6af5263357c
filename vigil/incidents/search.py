"""Full-text search over incident titles and summaries, behind one function for both database engines.

SQLite: an FTS5 table `incidents_fts` (rowid = incident id) that the actions keep in sync (`index_incidents`,
`unindex_incidents`) in the same transaction as the write. PostgreSQL: a GIN index over
`to_tsvector('simple', title || ' ' || summary)` (migration 0002), queried with the very same expression so the
planner uses it. Titles and summaries are plain text by design (documenters search them); sealed identity never
enters either index.

User text never reaches the query language: it is cut into word tokens, each quoted (FTS5) or reduced to letters
and digits (tsquery), all required, each matched as a prefix ("задерж" finds "задержан").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from vigil.incidents.models import Incident

FTS_TABLE = "incidents_fts"
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(\"incidents_incident\".\"title\", '') || ' ' || "
    'coalesce("incidents_incident"."summary", \'\'))'
)
MATCH_SQL = '"incidents_incident"."id" IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH %s)'
DELETE_SQL = "DELETE FROM incidents_fts WHERE rowid = %s"
INSERT_SQL = "INSERT INTO incidents_fts (rowid, title, summary) VALUES (%s, %s, %s)"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKENS = 8


def tokens(text: str) -> list[str]:
    return [token.lower() for token in _WORD.findall(text or "")][:MAX_TOKENS]


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def search_incidents(queryset: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    """Narrow `queryset` to incidents whose title or summary holds every word of `text` (as word prefixes)."""
    words = tokens(text)
    if not words:
        return queryset
    if is_sqlite():
        match = " ".join('"' + word.replace('"', "") + '"*' for word in words)
        return queryset.extra(  # noqa: S610  # nosec B610 - the match expression is a bound parameter
            where=[MATCH_SQL],
            params=[match],
        )
    query = " & ".join(f"{word}:*" for word in words)
    return queryset.extra(  # noqa: S610  # nosec B610 - the tsquery text is a bound parameter
        where=[PG_DOCUMENT + " @@ to_tsquery('simple', %s)"], params=[query]
    )


def index_incidents(rows: Iterable[tuple[int, str, str]], *, fresh: bool = False) -> None:
    """(id, title, summary) rows into the SQLite index, replacing what was there (`fresh`: rows just inserted, with
    nothing to replace); nothing to do on PostgreSQL."""
    if not is_sqlite():
        return
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if not fresh:
            cursor.executemany(DELETE_SQL, [(row[0],) for row in rows])
        cursor.executemany(INSERT_SQL, rows)


def unindex_incidents(ids: Iterable[int]) -> None:
    if not is_sqlite():
        return
    with connection.cursor() as cursor:
        cursor.executemany(DELETE_SQL, [(pk,) for pk in ids])


def rebuild_index() -> int:
    """Rebuild the SQLite index from the incidents table (after a restore, or if rows were changed behind the
    actions' back); returns the number of incidents indexed. PostgreSQL's index is maintained by the database."""
    if not is_sqlite():
        return Incident.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_fts")
        cursor.execute(
            "INSERT INTO incidents_fts (rowid, title, summary) SELECT id, title, summary FROM incidents_incident"
        )
        return int(cursor.rowcount)
