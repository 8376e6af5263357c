"""Reports read by `vigil ingest`, the draft incidents extracted from them, and a reviewer's decision on each field.

A report is possibly hostile (informers feed false ones) and may identify people, so its text, its provenance and
the extraction (whose evidence spans quote the text) are sealed. What stays readable is what the review queue must
filter and sort on without unsealing anything: team, language, dates, status, a coarse place code and a confidence.

Idempotence: a report is identified by a keyed fingerprint of its normalised text (a blind index, never a plain
hash: a plain hash of a known testimony would let whoever seizes the database confirm that Vigil holds it).
Re-ingesting a file finds every fingerprint already present and writes nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Team
from vigil.vault.fields import SealedJSONField, SealedModel, SealedTextField


class ReportKind(models.TextChoices):
    PLAIN = "plain", _("Text file")
    HTML = "html", _("Web page")
    TELEGRAM = "telegram", _("Telegram message")
    RSS = "rss", _("Feed entry")
    CSV = "csv", _("Table row")


class ReportOutcome(models.TextChoices):
    DRAFTED = "drafted", _("Draft incidents found")
    NO_INCIDENT = "no_incident", _("No incident found")
    OTHER_LANGUAGE = "other_language", _("Not in Russian or English")


class Report(SealedModel):
    # Sealed values are bound to the primary key, which must exist before the first save.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    # Sealed: the words of a testimony or a message. Kept only for reports that gave drafts (see README).
    text = SealedTextField(_("text"), blank=True)
    # Sealed JSON: file name, item id, channel, forwarded_from, link. A forwarder may be a person.
    provenance = SealedJSONField(_("provenance"), default=dict)
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReportOutcome.choices)
    ingested_at = models.DateTimeField(_("ingested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["team", "fingerprint"], name="monitoring_report_unique_per_team"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk}"


class DraftStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into an incident")


class Draft(SealedModel):
    """One incident proposed by the extraction pipeline, waiting for a person to accept, edit, merge or reject it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("report"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    position = models.PositiveSmallIntegerField(default=0)
    # Sealed JSON: the incident as `extract_report` gave it, with evidence spans and confidences.
    extraction = SealedJSONField(default=dict)
    # Readable summary for the queue (no names, no words of the report): filter and sort without unsealing.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    place_code = models.CharField(_("place"), max_length=16, blank=True, default="")
    date_start = models.CharField(_("date"), max_length=10, blank=True, default="")
    confidence = models.FloatField(_("confidence"), default=0.0)
    status = models.CharField(
        _("status"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The incident the draft became (accepted) or was merged into.
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("draft incident")
        verbose_name_plural = _("draft incidents")
        indexes = [models.Index(fields=["team", "status", "created_at"], name="monitoring_draft_queue")]

    def __str__(self) -> str:
        return f"draft {self.pk}"


class FieldStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    EDITED = "edited", _("Edited")
    REJECTED = "rejected", _("Rejected")


class FieldDecision(SealedModel):
    """A reviewer's word on one extracted field; a field with no decision is taken as proposed when accepting."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="decisions")
    field = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=FieldStatus.choices)
    # Sealed JSON: the value the reviewer typed (only for an edit).
    value = SealedJSONField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draft", "field"], name="monitoring_decision_one_per_field")]

    def __str__(self) -> str:
        return f"{self.field}: {self.status}"
