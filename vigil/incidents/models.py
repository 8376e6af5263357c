"""The documentation core after the HURIDOCS Events Standard Formats (DESIGN §2).

The *act* (who did what to whom, when and where) is the smallest unit; an incident groups acts. Every assertion can
be tied to the source that supports it (an `Attribution`, with the source's reliability and the information's
credibility). Coded values are vocabulary codes from `vigil.reference`, checked by the actions on every write.
Titles, summaries and codes are plain (they are what documenters search); what identifies a person is sealed in
the vault and lives only on `Person`. Dates are uncertain dates: a value and a precision (see `dates.py`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Team
from vigil.incidents.dates import Precision, UncertainDate
from vigil.vault.fields import BlindIndexField, SealedModel, SealedTextField


class Confidentiality(models.TextChoices):
    # Published: anyone with an account, viewers included, may read it.
    PUBLIC = "public", _("Published")
    # The owner team's members (not its viewers).
    TEAM = "team", _("Team")
    # The owner team's coordinators and the person who created it.
    RESTRICTED = "restricted", _("Restricted")


class Verification(models.TextChoices):
    V0 = "V0", _("V0 — reported, unverified")
    V1 = "V1", _("V1 — plausible, partly corroborated")
    V2 = "V2", _("V2 — corroborated")
    V3 = "V3", _("V3 — verified with documents")


class PersonKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class TargetingBasis(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    SELF_IDENTIFIED = "self_identified", _("Self-identified")
    IMPUTED = "imputed", _("Imputed by the perpetrators")


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    MINOR = "under_18", _("Under 18")
    YOUNG = "18_25", _("18–25")
    ADULT = "26_40", _("26–40")
    MIDDLE = "41_60", _("41–60")
    OLDER = "over_60", _("Over 60")


class Degree(models.TextChoices):
    DIRECT = "direct", _("Carried it out")
    ORDERED = "ordered", _("Ordered it")
    COMPLICIT = "complicit", _("Complicit")
    FAILED_TO_PREVENT = "failed_to_prevent", _("Failed to prevent or investigate")
    UNKNOWN = "unknown", _("Unknown")


class Hand(models.TextChoices):
    FIRST = "first", _("First-hand")
    SECOND = "second", _("Second-hand")


class LinkKind(models.TextChoices):
    FOLLOWED_BY = "followed_by", _("Was followed by")
    CAUSED = "caused", _("Led to")
    RELATED = "related", _("Is related to")
    DUPLICATE = "duplicate", _("Duplicates")


class DatedMixin(models.Model):
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.UNKNOWN)
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.UNKNOWN)

    class Meta:
        abstract = True

    @property
    def start(self) -> UncertainDate:
        return UncertainDate.from_columns(self.start_date, self.start_precision)

    @property
    def end(self) -> UncertainDate:
        return UncertainDate.from_columns(self.end_date, self.end_precision)


class PlacedMixin(models.Model):
    # A gazetteer code (vigil.reference.gazetteer); region and country are derived from it for filtering.
    place_code = models.CharField(_("place"), max_length=64, blank=True, default="")
    region_code = models.CharField(max_length=16, blank=True, default="", editable=False)
    country_code = models.CharField(max_length=2, blank=True, default="", editable=False)
    place_detail = models.CharField(_("facility or detail"), max_length=300, blank=True, default="")

    class Meta:
        abstract = True


class Incident(DatedMixin, PlacedMixin):
    # The integer key is the full-text index's rowid; URLs and the API use `uid`, which says nothing about how many
    # incidents exist or in which order they were made.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("team"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, default="")
    confidentiality = models.CharField(
        _("confidentiality"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.TEAM
    )
    verification = models.CharField(_("verification"), max_length=2, choices=Verification.choices, default="V0")
    outcome = models.CharField(_("outcome"), max_length=64, blank=True, default="")
    # Re-importing a file must not duplicate: the row's external id, or a digest of its content.
    # NULL, not "", for incidents made by hand: the unique constraint must not treat them as one key.
    import_key = models.CharField(max_length=80, null=True, blank=True, editable=False)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(fields=["team", "import_key"], name="incident_unique_import_key"),
        ]
        indexes = [
            models.Index(fields=["team", "start_date"], name="incident_team_start"),
            models.Index(fields=["region_code", "start_date"], name="incident_region_start"),
            models.Index(fields=["place_code"], name="incident_place"),
            models.Index(fields=["verification"], name="incident_verification"),
        ]

    def __str__(self) -> str:
        return self.title


class Person(SealedModel):
    """A victim or perpetrator: an individual or a group ("about 40 men": low/best/high counts).

    Lists show only the pseudonym. What identifies the person (name, phone, handles, documents) is sealed by the
    vault and read only through `access.read_person_identity`, which audits the read; the phone has a blind index.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people", verbose_name=_("team"))
    pseudonym = models.CharField(_("pseudonym"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=PersonKind.choices, default=PersonKind.INDIVIDUAL)
    count_low = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    count_best = models.PositiveIntegerField(_("best estimate"), null=True, blank=True)
    count_high = models.PositiveIntegerField(_("at most"), null=True, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True, default="")
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True, default="")
    targeting_basis = models.CharField(
        _("targeting basis"), max_length=20, choices=TargetingBasis.choices, blank=True, default=""
    )
    name = SealedTextField(blank=True, null=True)
    phone = SealedTextField(blank=True, null=True)
    phone_index = BlindIndexField(source="phone", kind="phone")
    handles = SealedTextField(blank=True, null=True)
    documents = SealedTextField(blank=True, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.pseudonym


class Act(DatedMixin, PlacedMixin):
    """One act type x one victim x one time x one place (ESF act)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by (incident, act_type) below, which also serves look-ups by incident alone.
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="acts", db_index=False)
    act_type = models.CharField(_("act type"), max_length=64)
    victim = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="acts_suffered", verbose_name=_("victim")
    )
    facility_type = models.CharField(_("facility type"), max_length=64, blank=True, default="")
    # ESF "whereabouts and outside contact" for custody acts: None means not known.
    capture_acknowledged = models.BooleanField(_("capture acknowledged"), null=True, blank=True)
    location_disclosed = models.BooleanField(_("location disclosed"), null=True, blank=True)
    family_contact_allowed = models.BooleanField(_("family contact allowed"), null=True, blank=True)
    lawyer_contact_allowed = models.BooleanField(_("lawyer contact allowed"), null=True, blank=True)
    consulate_contact_allowed = models.BooleanField(_("consulate contact allowed"), null=True, blank=True)
    vocabulary_version = models.CharField(max_length=20, blank=True, default="", editable=False)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        # The list's act-type filter is an EXISTS probe per incident: (incident, act_type) answers it from the index.
        indexes = [models.Index(fields=["incident", "act_type"], name="act_incident_type")]

    def __str__(self) -> str:
        return self.act_type


class ActArticle(models.Model):
    """A legal article an act's proceedings invoked; the incident is repeated so filters need one join."""

    # No index of its own: the unique (act, code) constraint serves look-ups by act. No database constraint either
    # (see the README's design notes): the row is written only together with its act, by the actions and the import.
    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="articles", db_index=False, db_constraint=False)
    # Derived from `act` by the actions (never set on its own), so the database need not check it a second time.
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    code = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["act", "code"], name="act_article_unique")]
        indexes = [models.Index(fields=["incident", "code"], name="act_article_incident_code")]

    def __str__(self) -> str:
        return self.code


class Involvement(models.Model):
    """A perpetrator (a person, a unit or an unknown group) x an act x a degree of involvement."""

    # No database constraint (see the README's design notes): written only together with its act.
    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="involvements", db_constraint=False)
    # Derived from `act` by the actions (never set on its own), so the database need not check it a second time.
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    perpetrator_type = models.CharField(_("perpetrator type"), max_length=64)
    perpetrator = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="involvements"
    )
    unit = models.CharField(_("unit"), max_length=200, blank=True, default="")
    degree = models.CharField(_("degree of involvement"), max_length=20, choices=Degree.choices, default="direct")

    class Meta:
        indexes = [models.Index(fields=["incident", "perpetrator_type"], name="involvement_incident_type")]

    def __str__(self) -> str:
        return self.perpetrator_type


class Source(models.Model):
    """Who or what told us (ESF source/information), graded A–F for reliability."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sources")
    source_type = models.CharField(_("source type"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    url = models.CharField(_("link or reference"), max_length=500, blank=True, default="")
    hand = models.CharField(_("first- or second-hand"), max_length=6, choices=Hand.choices, default=Hand.SECOND)
    reliability = models.CharField(_("reliability"), max_length=1, default="F")
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.label


class Attribution(models.Model):
    """A source supports a field of an incident or act (or the whole record), with the information's credibility."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="attributions")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attributions")
    act = models.ForeignKey(Act, on_delete=models.CASCADE, null=True, blank=True, related_name="attributions")
    field = models.CharField(max_length=40, blank=True, default="")
    credibility = models.CharField(_("credibility"), max_length=1, default="6")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "incident", "act", "field"], name="attribution_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.field}"


class IncidentLink(models.Model):
    """A chain of events: one incident followed by, led to, or duplicates another."""

    from_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_out")
    to_incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("link"), max_length=12, choices=LinkKind.choices, default=LinkKind.RELATED)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_incident", "to_incident", "kind"], name="incident_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.from_incident_id} {self.kind} {self.to_incident_id}"


class Evidence(models.Model):
    """A file received for an incident: its digest, size and type at receipt, and the signed manifest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100)
    received_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Address in the vault's encrypted file store (never the plain SHA-256, which would confirm a known file).
    store_address = models.CharField(max_length=64, blank=True, default="")
    manifest = models.TextField()
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.sha256
