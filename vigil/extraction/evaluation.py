"""Score the extractor against hand-annotated samples (``*.gold.json``).

Predicted incidents are matched to gold ones greedily by field overlap (acts,
perpetrators, place, month, ages), then every field is scored: micro
precision/recall/F1 for the code lists (unmatched incidents count as misses or
false alarms) and accuracy over gold incidents for single values.  ``make eval``
prints the table; a test asserts a floor on the overall F1 so regressions fail.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from vigil.extraction.pipeline import extract_report

SET_FIELDS = ("acts", "perpetrators", "legal_articles", "outcome", "victim_citizenship")
VALUE_FIELDS = ("city", "region", "country", "month", "victims", "victim_ages", "detention_days")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[Any], gold: set[Any]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass
class Score:
    sets: dict[str, Counts] = field(
        default_factory=lambda: {f: Counts() for f in (*SET_FIELDS, "sources_cited", "incidents")}
    )
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VALUE_FIELDS, 0))
    gold_incidents: int = 0
    predicted_incidents: int = 0

    def merge(self, other: Score) -> None:
        for name, counts in other.sets.items():
            mine = self.sets[name]
            mine.tp, mine.fp, mine.fn = mine.tp + counts.tp, mine.fp + counts.fp, mine.fn + counts.fn
        for name, value in other.right.items():
            self.right[name] += value
        self.gold_incidents += other.gold_incidents
        self.predicted_incidents += other.predicted_incidents

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.gold_incidents if self.gold_incidents else 1.0

    def overall_f1(self) -> float:
        """Mean of the per-field scores: F1 for lists, accuracy for single values."""
        scores = [self.sets[f].prf()[2] for f in (*SET_FIELDS, "sources_cited", "incidents")]
        scores += [self.accuracy(f) for f in VALUE_FIELDS]
        return sum(scores) / len(scores)


def _value(incident: dict[str, Any], name: str) -> Any:
    if name == "month":
        value = incident.get("date_start")
        return value[:7] if value else None
    if name == "victim_ages":
        return sorted(incident.get("victim_ages") or [])
    return incident.get(name)


def _similarity(p: dict[str, Any], g: dict[str, Any]) -> float:
    def jaccard(a: list[Any], b: list[Any]) -> float:
        sa, sb = set(a or []), set(b or [])
        return len(sa & sb) / len(sa | sb) if sa | sb else 1.0

    score = jaccard(p["acts"], g["acts"]) + jaccard(p["perpetrators"], g["perpetrators"])
    score += sum(0.5 for k in ("city", "region", "month", "victims") if _value(p, k) == _value(g, k))
    score += jaccard(p["victim_ages"], g["victim_ages"]) + jaccard(p["outcome"], g["outcome"])
    return score


def score_report(predicted: dict[str, Any], gold: dict[str, Any]) -> Score:
    score = Score(gold_incidents=len(gold["incidents"]), predicted_incidents=len(predicted["incidents"]))
    pairs = sorted(
        (
            (_similarity(p, g), i, j)
            for i, p in enumerate(predicted["incidents"])
            for j, g in enumerate(gold["incidents"])
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    matches: list[tuple[int, int]] = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matches.append((i, j))
    score.sets["incidents"].tp = len(matches)
    score.sets["incidents"].fp = len(predicted["incidents"]) - len(matches)
    score.sets["incidents"].fn = len(gold["incidents"]) - len(matches)
    for i, j in matches:
        p, g = predicted["incidents"][i], gold["incidents"][j]
        for name in SET_FIELDS:
            score.sets[name].add(set(p[name] or []), set(g[name] or []))
        for name in VALUE_FIELDS:
            score.right[name] += _value(p, name) == _value(g, name)
    for i, p in enumerate(predicted["incidents"]):
        if i not in used_p:
            for name in SET_FIELDS:
                score.sets[name].add(set(p[name] or []), set())
    for j, g in enumerate(gold["incidents"]):
        if j not in used_g:
            for name in SET_FIELDS:
                score.sets[name].add(set(), set(g[name] or []))
    score.sets["sources_cited"].add(set(predicted["sources_cited"]), set(gold["sources_cited"]))
    return score


def load_index(samples: Path) -> list[dict[str, str]]:
    with (samples / "INDEX.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def evaluate(samples: Path) -> tuple[dict[str, Score], Score]:
    """Run the extractor on every sample with a gold file; per-sample and overall scores.

    Only the reference date and the language come from INDEX.tsv, as a documenter would
    pass them to ``vigil extract``; the publisher is not given.
    """
    index = {row["file"]: row for row in load_index(samples)} if (samples / "INDEX.tsv").exists() else {}
    per: dict[str, Score] = {}
    total = Score()
    for text_path in sorted(samples.glob("*.txt")):
        gold_path = text_path.with_name(text_path.stem + ".gold.json")
        if not gold_path.exists():
            continue
        row = index.get(text_path.name, {})
        reference = date.fromisoformat(row["reference_date"]) if row.get("reference_date") else None
        result = extract_report(
            text_path.read_text(encoding="utf-8"),
            reference_date=reference,
            lang=row.get("lang") or None,
        ).as_dict()
        score = score_report(result, json.loads(gold_path.read_text(encoding="utf-8")))
        per[text_path.stem] = score
        total.merge(score)
    return per, total


def format_table(per: dict[str, Score], total: Score) -> str:
    names = list(per)
    columns = [*names, "OVERALL"]
    scores = [*per.values(), total]
    width = max(14, *(len(n) for n in names))
    lines = ["field".ljust(16) + "".join(c[:width].rjust(width + 2) for c in columns)]

    def row(label: str, cells: list[str]) -> None:
        lines.append(label.ljust(16) + "".join(c.rjust(width + 2) for c in cells))

    row("incidents p/g", [f"{s.predicted_incidents}/{s.gold_incidents}" for s in scores])
    for name in ("incidents", *SET_FIELDS, "sources_cited"):
        row(f"{name[:10]} P/R/F1", ["{:.2f}/{:.2f}/{:.2f}".format(*s.sets[name].prf()) for s in scores])
    for name in VALUE_FIELDS:
        row(f"{name[:12]} acc", [f"{s.accuracy(name):.2f}" for s in scores])
    row("overall F1", [f"{s.overall_f1():.2f}" for s in scores])
    return "\n".join(lines)
