"""Import and export of incidents as CSV and JSON.

Rules an import keeps, because a half-imported file or a silently invented term corrupts statistics for years:
- every problem is reported with its line and column, and for JSON also the path of the value
  ("line 12, column 18 (incidents[3].acts[0].act_type): ..."), all at once, and a dry run reports them without
  writing;
- an unknown vocabulary value is an error that lists the allowed values, never a new term;
- an import is all or nothing (one transaction, validated completely before the first write);
- re-importing a file creates no duplicates: each incident carries its `external_id`, or a digest of its content,
  as an import key unique within the team, and rows whose key exists are skipped.
It writes in bulk (one audit entry for the whole import, naming the file's SHA-256 and the counts), which is what
makes 100,000 rows a minute's work rather than an hour's.

CSV: one row per incident; `act_types`, `perpetrators` and `articles` hold `;`-separated codes, and each act type
becomes one act at the incident's date and place, with every perpetrator involved and every article invoked.
JSON: {"format": "vigil-incidents/1", "incidents": [{..., "acts": [...], "sources": [...], "evidence": [...]}]},
the shape `export_json` writes; evidence manifests are exported with their signatures and still verify.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.models import Role, Team, User
from vigil.audit.actions import record_event
from vigil.incidents import vocab
from vigil.incidents.actions import (
    CUSTODY_FACTS,
    DEFAULT_CONFIDENTIALITY,
    DEGREES,
    _require_writer,
    clean_act,
    clean_incident,
    clean_source,
)
from vigil.incidents.jsonpositions import locate, value_offsets
from vigil.incidents.models import Act, ActArticle, Degree, Incident, Involvement, Source
from vigil.incidents.search import index_incidents

FORMAT = "vigil-incidents/1"
CSV_COLUMNS = (
    "external_id",
    "title",
    "summary",
    "place",
    "place_detail",
    "start",
    "end",
    "verification",
    "confidentiality",
    "outcome",
    "act_types",
    "perpetrators",
    "articles",
)
REQUIRED_COLUMNS = ("title", "start", "place", "act_types")
MAX_FIELD = 100_000
MAX_FILE_ROWS = 1_000_000
BATCH = 2000
# Input field -> column that reports its problems.
_FIELD_COLUMN = {"place_code": "place", "act_type": "act_types", "facility_type": "act_types"}
# JSON keeps an act's own field names; only the derived place column is reported under the key it came from.
_JSON_FIELD = {"place_code": "place"}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str
    column_number: int = 0
    # JSON: the path of the value ("incidents[3].acts[0].act_type"); `column_number` is then the column of the value.
    path: str = ""

    def __str__(self) -> str:
        if self.path:
            if not self.line:
                return f"{self.path}: {self.message}"
            where = _("line %(line)d, column %(column)d") % {"line": self.line, "column": self.column_number}
            return f"{where} ({self.path}): {self.message}"
        where = _("line %(line)d") % {"line": self.line} if self.line else ""
        if self.column:
            column = f"{self.column} ({self.column_number})" if self.column_number else self.column
            where = f"{where}, {_('column')} {column}" if where else f"{_('column')} {column}"
        return f"{where}: {self.message}" if where else self.message


ParsedAct = tuple[dict[str, Any], str, list[str], list[tuple[str, str, str]]]


@dataclass
class ParsedIncident:
    line: int
    key: str
    columns: dict[str, Any]
    # (columns shared by acts, act type, articles, perpetrators); acts of one CSV row share one columns dict.
    acts: list[ParsedAct]
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    skipped_existing: int = 0
    skipped_repeated: int = 0
    acts: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            _("The import has %(count)d problem(s); nothing was written.") % {"count": len(report.problems)}
        )
        self.report = report


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _decode(data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Problem(
            line,
            "",
            _("the file is not UTF-8 text (byte %(column)d of the line cannot be read); save it as UTF-8.")
            % {"column": column},
        )


def _content_key(values: Mapping[str, Any]) -> str:
    return "h:" + hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _problems_from(
    error: ValidationError,
    line: int,
    columns: Mapping[str, int],
    prefix: str = "",
    names: Mapping[str, str] = _FIELD_COLUMN,
) -> list[Problem]:
    found = []
    for name, messages in error.message_dict.items():
        column = names.get(name, name)
        for message in messages:
            found.append(Problem(line, prefix + column, message, columns.get(column, 0)))
    return found


def _parse_perpetrator(text: str) -> tuple[str, str, str]:
    """ "police", "centre_e:ordered" or "centre_e:direct:Centre E Makhachkala"."""
    parts = [part.strip() for part in text.split(":", 2)]
    return parts[0], (parts[1] if len(parts) > 1 and parts[1] else Degree.DIRECT), parts[2] if len(parts) > 2 else ""


def _check_perpetrators(items: list[tuple[str, str, str]]) -> None:
    errors: dict[str, list[str]] = {}
    for kind, degree, unit in items:
        try:
            vocab.check_code(vocab.PERPETRATOR_TYPES, kind)
        except ValidationError as error:
            errors.setdefault("perpetrators", []).extend(error.messages)
        if degree not in DEGREES:
            errors.setdefault("perpetrators", []).append(
                _("Allowed values: %(allowed)s.") % {"allowed": ", ".join(Degree.values)}
            )
        if len(unit) > 200:
            errors.setdefault("perpetrators", []).append(_("At most 200 characters are allowed."))
    if errors:
        raise ValidationError(errors)


# A cell starting with one of these is a formula to a spreadsheet; exported cells get a leading apostrophe (OWASP's
# advice against CSV injection), which the import takes off again so that a file round-trips unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_spreadsheet_safe(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def parse_csv(data: bytes, report: ImportReport) -> list[ParsedIncident]:
    text, problem = _decode(data)
    if problem is not None or text is None:
        report.problems.append(problem)  # type: ignore[arg-type]
        return []
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        report.problems.append(Problem(1, "", _("the file is empty.")))
        return []
    except csv.Error as error:
        report.problems.append(Problem(1, "", str(error)))
        return []
    positions = {name: index + 1 for index, name in enumerate(header)}
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if unknown:
        report.problems.append(
            Problem(
                1,
                ", ".join(unknown),
                _("unknown column(s). Allowed columns: %(allowed)s.") % {"allowed": ", ".join(CSV_COLUMNS)},
            )
        )
    if missing:
        report.problems.append(
            Problem(1, "", _("required column(s) missing: %(missing)s.") % {"missing": ", ".join(missing)})
        )
    if unknown or missing:
        return []
    parsed: list[ParsedIncident] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.problems.append(
                Problem(reader.line_num, "", _("the row cannot be read (%(error)s).") % {"error": error})
            )
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        if report.rows > MAX_FILE_ROWS:
            report.problems.append(Problem(line, "", _("the file has too many rows for one import.")))
            break
        if len(row) != len(header):
            report.problems.append(
                Problem(
                    line,
                    "",
                    _("the row has %(found)d fields, the header %(expected)d.")
                    % {"found": len(row), "expected": len(header)},
                )
            )
            continue
        values = dict(zip(header, (from_spreadsheet_safe(cell) for cell in row), strict=True))
        item = _parse_incident(values, line, positions, report)
        if item is not None:
            parsed.append(item)
    return parsed


def _parse_incident(
    values: Mapping[str, Any],
    line: int,
    positions: Mapping[str, int],
    report: ImportReport,
    prefix: str = "",
    names: Mapping[str, str] = _FIELD_COLUMN,
) -> ParsedIncident | None:
    problems: list[Problem] = []
    columns: dict[str, Any] = {}
    try:
        columns = clean_incident(values)
    except ValidationError as error:
        problems += _problems_from(error, line, positions, prefix, names)
    acts: list[ParsedAct] = []
    if "acts" in values:
        for index, act_values in enumerate(values.get("acts") or []):
            act_prefix = f"{prefix}acts[{index}]."
            if not isinstance(act_values, dict):
                problems.append(Problem(line, act_prefix.rstrip("."), _("an act must be an object.")))
                continue
            perpetrators = [
                (str(p.get("type", "")), str(p.get("degree") or Degree.DIRECT), str(p.get("unit") or ""))
                for p in act_values.get("perpetrators") or []
                if isinstance(p, dict)
            ]
            problems += _act(act_values, perpetrators, acts, line, positions, act_prefix, names)
    else:
        perpetrators = [_parse_perpetrator(text) for text in _split(str(values.get("perpetrators", "")))]
        articles = _split(str(values.get("articles", "")))
        act_types = _split(str(values.get("act_types", "")))
        if not act_types:
            problems.append(
                Problem(line, "act_types", _("at least one act type is required."), positions.get("act_types", 0))
            )
        shared = {
            "place": values.get("place", ""),
            "place_detail": values.get("place_detail", ""),
            "start": values.get("start", ""),
            "end": values.get("end", ""),
            "articles": articles,
        }
        # The acts of a CSV row share everything but their type: check the shared part once, then each type.
        if act_types:
            problems += _act({**shared, "act_type": act_types[0]}, perpetrators, acts, line, positions, prefix)
        for act_type in act_types[1:]:
            try:
                vocab.check_code(vocab.ACT_TYPES, act_type)
            except ValidationError as error:
                problems += _problems_from(ValidationError({"act_type": error.messages}), line, positions, prefix)
                continue
            if acts:
                shared_columns, _first_type, act_articles, act_perpetrators = acts[0]
                acts.append((shared_columns, act_type, act_articles, act_perpetrators))
        problems = list(dict.fromkeys(problems))
    sources: list[dict[str, Any]] = []
    for index, source_values in enumerate(values.get("sources") or [] if "sources" in values else []):
        try:
            sources.append(clean_source(source_values if isinstance(source_values, dict) else {}))
        except ValidationError as error:
            problems += _problems_from(error, line, positions, f"{prefix}sources[{index}].", names)
    if problems:
        report.problems.extend(problems)
        return None
    external_id = str(values.get("external_id") or "").strip()
    if len(external_id) > 78:
        report.problems.append(
            Problem(line, "external_id", _("At most 78 characters are allowed."), positions.get("external_id", 0))
        )
        return None
    key = f"x:{external_id}" if external_id else _content_key({k: v for k, v in values.items() if k != "evidence"})
    return ParsedIncident(line=line, key=key, columns=columns, acts=acts, sources=sources)


def _act(
    values: Mapping[str, Any],
    perpetrators: list[tuple[str, str, str]],
    acts: list[ParsedAct],
    line: int,
    positions: Mapping[str, int],
    prefix: str,
    names: Mapping[str, str] = _FIELD_COLUMN,
) -> list[Problem]:
    try:
        columns, articles = clean_act(values)
        _check_perpetrators(perpetrators)
    except ValidationError as error:
        return _problems_from(error, line, positions, prefix, names)
    act_type = columns.pop("act_type")
    acts.append((columns, act_type, articles or [], perpetrators))
    return []


def parse_json(data: bytes, report: ImportReport) -> list[ParsedIncident]:
    text, problem = _decode(data)
    if problem is not None or text is None:
        report.problems.append(problem)  # type: ignore[arg-type]
        return []
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        report.problems.append(
            Problem(error.lineno, str(error.colno), _("the file is not valid JSON (%(error)s).") % {"error": error.msg})
        )
        return []
    except RecursionError:
        report.problems.append(Problem(0, "", _("the JSON is nested too deeply.")))
        return []
    if not isinstance(document, dict) or not isinstance(document.get("incidents"), list):
        report.problems.append(Problem(1, "", _("the file must be an object with a list 'incidents'.")))
        return []
    parsed: list[ParsedIncident] = []
    problems: list[Problem] = []
    for index, values in enumerate(document["incidents"]):
        report.rows += 1
        prefix = f"incidents[{index}]."
        if not isinstance(values, dict):
            problems.append(Problem(0, prefix.rstrip("."), _("an incident must be an object.")))
            continue
        too_long = [k for k, v in values.items() if isinstance(v, str) and len(v) > MAX_FIELD]
        if too_long:
            problems.append(Problem(0, prefix + too_long[0], _("the value is too long.")))
            continue
        found = ImportReport()
        item = _parse_incident(values, 0, {}, found, prefix, _JSON_FIELD)
        problems += found.problems
        if item is not None:
            parsed.append(item)
    report.problems += _placed(text, problems)
    return parsed


def _placed(text: str, problems: list[Problem]) -> list[Problem]:
    """The JSON problems (whose `column` holds the value's path) with the line and column of the value."""
    if not problems:
        return []
    try:
        offsets = value_offsets(text)
    except RecursionError:
        return [Problem(0, "", problem.message, path=problem.column) for problem in problems]
    placed = []
    for problem in problems:
        line, column = locate(text, offsets, problem.column)
        placed.append(Problem(line, "", problem.message, column, path=problem.column))
    return placed


def import_incidents(*, actor: User, team: Team, data: bytes, file_format: str, dry_run: bool = False) -> ImportReport:
    """Validate the whole file, then (unless `dry_run`) write it in one transaction; ImportFailed lists problems."""
    _require_writer(actor, team)
    report = ImportReport(dry_run=dry_run)
    if file_format not in ("csv", "json"):
        report.problems.append(Problem(0, "", _("the format must be csv or json.")))
        raise ImportFailed(report)
    parsed = parse_csv(data, report) if file_format == "csv" else parse_json(data, report)
    if actor.role != Role.COORDINATOR:
        for item in parsed:
            if item.columns.get("confidentiality", DEFAULT_CONFIDENTIALITY) == "public":
                report.problems.append(
                    Problem(item.line, "confidentiality", _("only a coordinator may publish an incident."))
                )
    if report.problems:
        raise ImportFailed(report)
    seen: set[str] = set()
    fresh: list[ParsedIncident] = []
    existing = _existing_keys(team, [item.key for item in parsed])
    for item in parsed:
        if item.key in existing:
            report.skipped_existing += 1
        elif item.key in seen:
            report.skipped_repeated += 1
        else:
            seen.add(item.key)
            fresh.append(item)
    report.created = len(fresh)
    report.acts = sum(len(item.acts) for item in fresh)
    if dry_run:
        return report
    with transaction.atomic():
        for start in range(0, len(fresh), BATCH):
            _write_batch(actor, team, fresh[start : start + BATCH])
        record_event(
            actor_id=actor.pk,
            action="incident.import",
            object_type="team",
            object_id=team.pk,
            fields=["incidents"],
            details={
                "sha256": hashlib.sha256(data).hexdigest(),
                "format": file_format,
                "created": report.created,
                "acts": report.acts,
                "skipped": report.skipped_existing + report.skipped_repeated,
            },
        )
    return report


def _existing_keys(team: Team, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 5000):
        for key in Incident.objects.filter(team=team, import_key__in=keys[start : start + 5000]).values_list(
            "import_key", flat=True
        ):
            if key:
                found.add(key)
    return found


def _write_batch(actor: User, team: Team, batch: list[ParsedIncident]) -> None:
    now = timezone.now()
    sqlite = connection.vendor == "sqlite"
    ids = _allocate_ids(Incident, len(batch))
    incident_names = ("id", "uid", "team_id", "created_by_id", "import_key", "created_at", "updated_at")
    incident_keys = tuple(batch[0].columns) if batch else ()
    stamp = _ready(Incident, "created_at", now)
    bulk_insert(
        Incident,
        (*incident_names, *incident_keys),
        [
            (
                pk,
                _ready(Incident, "uid", uuid.uuid4()),
                team.pk,
                actor.pk,
                item.key,
                stamp,
                stamp,
                *(_ready(Incident, key, item.columns[key], sqlite) for key in incident_keys),
            )
            for pk, item in zip(ids, batch, strict=True)
        ],
    )
    index_incidents(
        [(pk, item.columns["title"], item.columns["summary"]) for pk, item in zip(ids, batch, strict=True)], fresh=True
    )
    act_rows: list[tuple[Any, ...]] = []
    article_rows: list[tuple[Any, ...]] = []
    involvement_rows: list[tuple[Any, ...]] = []
    act_keys: tuple[str, ...] = ()
    ready_cache: dict[int, tuple[Any, ...]] = {}
    fresh_ids = iter(ordered_uuids(sum(len(item.acts) for item in batch)))
    for pk, item in zip(ids, batch, strict=True):
        for columns, act_type, articles, perpetrators in item.acts:
            if not act_keys:
                act_keys = tuple(columns)
            shared = ready_cache.get(id(columns))
            if shared is None:
                shared = tuple(_ready(Act, key, columns[key], sqlite) for key in act_keys)
                ready_cache[id(columns)] = shared
            act_id = next(fresh_ids)
            act_rows.append((act_id, pk, act_type, None, *shared))
            article_rows += [(act_id, pk, code) for code in articles]
            involvement_rows += [(act_id, pk, kind, degree, unit, None) for kind, degree, unit in perpetrators]
        ready_cache.clear()
    bulk_insert(Act, ("id", "incident_id", "act_type", "victim_id", *act_keys), act_rows)
    bulk_insert(ActArticle, ("act_id", "incident_id", "code"), article_rows)
    bulk_insert(
        Involvement, ("act_id", "incident_id", "perpetrator_type", "degree", "unit", "perpetrator_id"), involvement_rows
    )
    Source.objects.bulk_create(
        [
            Source(incident_id=pk, created_by=actor, **columns)
            for pk, item in zip(ids, batch, strict=True)
            for columns in item.sources
        ]
    )


def _ready(model: Any, attname: str, value: Any, sqlite: bool | None = None) -> Any:
    """A Python value as the database driver takes it (SQLite stores UUIDs as hex and dates as ISO text)."""
    if value is None or not (connection.vendor == "sqlite" if sqlite is None else sqlite):
        return value
    kind = _field_kinds(model).get(attname)
    if kind == "UUIDField":
        return value.hex
    if kind == "DateField":
        return value.isoformat()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value(value)
    return value


@functools.cache
def _field_kinds(model: Any) -> dict[str, str]:
    kinds = {}
    for f in model._meta.concrete_fields:
        kinds[f.attname] = f.target_field.get_internal_type() if f.is_relation else f.get_internal_type()
    return kinds


def bulk_insert(model: Any, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert already-validated rows, given as tuples of database-ready values for `names` (see `_ready`), without
    building model instances: the ORM costs ~50 µs per object, which would be most of an import's time. Columns not
    named take their field's default. PostgreSQL gets COPY, SQLite one prepared statement run for every row."""
    if not rows:
        return
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    automatic = {f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "BigAutoField"}
    rest = [f for f in model._meta.concrete_fields if f.attname not in names and f.attname not in automatic]
    tail = tuple(_ready(model, f.attname, f.get_default() if f.has_default() or f.null else "") for f in rest)
    values = [row + tail for row in rows] if tail else rows
    ordered = [by_name[name] for name in names] + rest
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in ordered)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(ordered))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608  # nosec B608 - names from model metadata, values bound
        else:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)


def _allocate_ids(model: Any, count: int) -> list[int]:
    """Primary keys for rows inserted without the ORM. PostgreSQL hands them out from the table's sequence; SQLite
    holds the database's write lock for the whole transaction (IMMEDIATE mode), so nobody else can take them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


_last_ordered = 0


def ordered_uuids(count: int) -> list[str]:
    """Random UUIDs (as 32 hex digits) whose first 48 bits are the time in milliseconds (the layout of UUIDv7), so
    that a million acts inserted at once land at the end of the primary-key index instead of at random pages of it.
    The remaining 74 bits are random; a 12-bit counter keeps the ones made in the same millisecond in order."""
    global _last_ordered
    randomness = os.urandom(8 * count)
    now = int(time.time() * 1000) << 12
    made = []
    for index in range(count):
        stamp = max(now, _last_ordered + 1)
        _last_ordered = stamp
        high = ((stamp >> 12) << 16) | 0x7000 | (stamp & 0xFFF)
        low = (int.from_bytes(randomness[8 * index : 8 * index + 8], "big") & 0x3FFFFFFFFFFFFFFF) | 0x8000000000000000
        made.append(f"{high:016x}{low:016x}")
    return made


def _incident_values(incident: Incident) -> dict[str, Any]:
    return {
        "external_id": (incident.import_key or "")[2:] if (incident.import_key or "").startswith("x:") else "",
        "title": incident.title,
        "summary": incident.summary,
        "place": incident.place_code,
        "place_detail": incident.place_detail,
        "start": incident.start.text(),
        "end": incident.end.text(),
        "verification": incident.verification,
        "confidentiality": incident.confidentiality,
        "outcome": incident.outcome,
    }


def _act_values(act: Act) -> dict[str, Any]:
    values: dict[str, Any] = {
        "act_type": act.act_type,
        "start": act.start.text(),
        "end": act.end.text(),
        "place": act.place_code,
        "place_detail": act.place_detail,
        "facility_type": act.facility_type,
        "articles": [article.code for article in act.articles.all()],
        "perpetrators": [
            {"type": inv.perpetrator_type, "degree": inv.degree, "unit": inv.unit} for inv in act.involvements.all()
        ],
        "victim": act.victim.pseudonym if act.victim else "",
    }
    values.update({fact: getattr(act, fact) for fact in CUSTODY_FACTS})
    return values


def export_json(incidents: Iterable[Incident]) -> Iterator[str]:
    """The JSON export, streamed; evidence manifests with their signatures verify offline after export."""
    import json as json_module

    yield '{"format": "' + FORMAT + '", "incidents": ['
    first = True
    for incident in incidents:
        acts = incident.acts.select_related("victim").prefetch_related("articles", "involvements").order_by("id")
        document = {
            **_incident_values(incident),
            "acts": [_act_values(act) for act in acts],
            "sources": [
                {
                    "source_type": s.source_type,
                    "label": s.label,
                    "url": s.url,
                    "hand": s.hand,
                    "reliability": s.reliability,
                    "received_on": s.received_on.isoformat() if s.received_on else "",
                }
                for s in incident.sources.all()
            ],
            "evidence": [
                {"manifest": json_module.loads(e.manifest), "signature": e.signature} for e in incident.evidence.all()
            ],
        }
        yield ("" if first else ",") + "\n" + json_module.dumps(document, ensure_ascii=False)
        first = False
    yield "\n]}\n"


def export_csv(incidents: Iterable[Incident]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for incident in incidents:
        acts = list(incident.acts.prefetch_related("articles", "involvements").order_by("id"))
        perpetrators: list[str] = []
        articles: list[str] = []
        for act in acts:
            for inv in act.involvements.all():
                text = f"{inv.perpetrator_type}:{inv.degree}" + (f":{inv.unit}" if inv.unit else "")
                if text not in perpetrators:
                    perpetrators.append(text)
            articles += [a.code for a in act.articles.all() if a.code not in articles]
        values = _incident_values(incident)
        values.update(
            {
                "act_types": ";".join(act.act_type for act in acts),
                "perpetrators": ";".join(perpetrators),
                "articles": ";".join(articles),
            }
        )
        writer.writerow([spreadsheet_safe(values[column]) for column in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def record_export(*, actor: User, count: int, file_format: str) -> None:
    record_event(
        actor_id=actor.pk,
        action="incident.export",
        object_type="incident",
        fields=["incidents"],
        details={"count": count, "format": file_format},
    )
