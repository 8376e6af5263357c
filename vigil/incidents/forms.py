"""Forms of the incident pages. Choices come from the vocabularies in the active language; the actions validate
again, so a forged form value meets the same check (and the same list of allowed values) as an import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import Team
from vigil.incidents import vocab
from vigil.incidents.models import (
    AgeBand,
    Confidentiality,
    Degree,
    Hand,
    LinkKind,
    Person,
    PersonKind,
    TargetingBasis,
)

IDENTITY_FIELDS = ("name", "phone", "handles", "documents")
DATE_HELP = _("2025-03-14, 2025-03, 2025, ~2025 (an estimate), or empty if unknown.")
TRISTATE = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: on the field it names, or on the form as a whole."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class IncidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    place = forms.ChoiceField(label=_("Place"), required=False)
    period_from = forms.DateField(label=_("From"), required=False, help_text=_("For example 2025-01-01"))
    period_to = forms.DateField(label=_("To"), required=False)
    act_type = forms.ChoiceField(label=_("Act type"), required=False)
    perpetrator = forms.ChoiceField(label=_("Perpetrator"), required=False)
    article = forms.ChoiceField(label=_("Legal article"), required=False)
    verification = forms.ChoiceField(label=_("Verification"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "place", vocab.place_choices())
        set_choices(self, "act_type", vocab.choices(vocab.ACT_TYPES, blank=True))
        set_choices(self, "perpetrator", vocab.choices(vocab.PERPETRATOR_TYPES, blank=True))
        set_choices(
            self,
            "article",
            [("", "—")] + [(code, f"{code} — {vocab.article_title(code)}") for code in vocab.article_choices_codes()],
        )
        set_choices(self, "verification", vocab.choices(vocab.VERIFICATION_LEVELS, blank=True))


class IncidentForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    place = forms.ChoiceField(label=_("Place"), required=False)
    place_detail = forms.CharField(label=_("Facility or detail"), required=False, max_length=300)
    start = forms.CharField(label=_("Start"), required=False, help_text=DATE_HELP, max_length=20)
    end = forms.CharField(label=_("End"), required=False, help_text=DATE_HELP, max_length=20)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), choices=Confidentiality.choices)
    verification = forms.ChoiceField(label=_("Verification"))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        set_choices(self, "place", vocab.place_choices())
        set_choices(self, "verification", vocab.choices(vocab.VERIFICATION_LEVELS))
        set_choices(self, "outcome", vocab.choices(vocab.OUTCOMES, blank=True))


class ActForm(forms.Form):
    act_type = forms.ChoiceField(label=_("Act type"))
    victim = forms.ChoiceField(label=_("Victim"), required=False)
    new_victim = forms.CharField(
        label=_("…or a new victim (pseudonym)"), required=False, max_length=100, help_text=_("Never a real name.")
    )
    perpetrator_type = forms.ChoiceField(label=_("Perpetrator"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=200)
    degree = forms.ChoiceField(label=_("Degree of involvement"), choices=Degree.choices, required=False)
    start = forms.CharField(label=_("Start"), required=False, help_text=DATE_HELP, max_length=20)
    end = forms.CharField(label=_("End"), required=False, help_text=DATE_HELP, max_length=20)
    place = forms.ChoiceField(label=_("Place"), required=False)
    place_detail = forms.CharField(label=_("Facility or detail"), required=False, max_length=300)
    facility_type = forms.ChoiceField(label=_("Facility type"), required=False)
    articles = forms.CharField(
        label=_("Legal articles"), required=False, max_length=300, help_text=_("Codes such as KoAP 19.3, UK 242")
    )
    capture_acknowledged = forms.ChoiceField(label=_("Capture acknowledged"), choices=TRISTATE, required=False)
    location_disclosed = forms.ChoiceField(label=_("Location disclosed"), choices=TRISTATE, required=False)
    family_contact_allowed = forms.ChoiceField(label=_("Family contact allowed"), choices=TRISTATE, required=False)
    lawyer_contact_allowed = forms.ChoiceField(label=_("Lawyer contact allowed"), choices=TRISTATE, required=False)
    consulate_contact_allowed = forms.ChoiceField(
        label=_("Consulate contact allowed"), choices=TRISTATE, required=False
    )

    def __init__(self, *args: Any, people: Any = (), editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Existing involvements stay as they are; the form can add one more.
            self.fields["perpetrator_type"].label = _("Add a perpetrator")
        set_choices(self, "act_type", vocab.choices(vocab.ACT_TYPES))
        set_choices(self, "victim", [("", "—")] + [(str(p.pk), p.pseudonym) for p in people])
        set_choices(self, "perpetrator_type", vocab.choices(vocab.PERPETRATOR_TYPES, blank=True))
        set_choices(self, "place", vocab.place_choices())
        set_choices(self, "facility_type", vocab.choices(vocab.FACILITY_TYPES, blank=True))


class SourceForm(forms.Form):
    source_type = forms.ChoiceField(label=_("Source type"))
    label = forms.CharField(label=_("Label"), max_length=200, help_text=_("How the team refers to it; no real names."))
    url = forms.CharField(label=_("Link or reference"), required=False, max_length=500)
    hand = forms.ChoiceField(label=_("First- or second-hand"), choices=[("", "—"), *Hand.choices], required=False)
    reliability = forms.ChoiceField(label=_("Reliability of the source"))
    credibility = forms.ChoiceField(label=_("Credibility of the information"))
    received_on = forms.DateField(label=_("Received on"), required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Credibility belongs to each piece of information the source supports (an attribution), not to it.
            del self.fields["credibility"]
        set_choices(self, "source_type", vocab.choices(vocab.SOURCE_TYPES))
        set_choices(self, "reliability", vocab.choices(vocab.RELIABILITY, parent="source_reliability"))
        if "credibility" in self.fields:
            set_choices(self, "credibility", vocab.choices(vocab.RELIABILITY, parent="information_credibility"))


class PersonForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    pseudonym = forms.CharField(label=_("Pseudonym"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonKind.choices)
    count_low = forms.IntegerField(label=_("At least"), required=False, min_value=0)
    count_best = forms.IntegerField(label=_("Best estimate"), required=False, min_value=0)
    count_high = forms.IntegerField(label=_("At most"), required=False, min_value=0)
    age_band = forms.ChoiceField(label=_("Age"), choices=AgeBand.choices, required=False)
    citizenship = forms.CharField(label=_("Citizenship (country code)"), required=False, max_length=2)
    targeting_basis = forms.ChoiceField(label=_("Targeting basis"), choices=TargetingBasis.choices, required=False)
    name = forms.CharField(label=_("Name (sealed)"), required=False, max_length=300)
    phone = forms.CharField(label=_("Phone (sealed)"), required=False, max_length=50)
    handles = forms.CharField(label=_("Accounts and handles (sealed)"), required=False, max_length=500)
    documents = forms.CharField(label=_("Documents (sealed)"), required=False, max_length=500)

    def __init__(self, *args: Any, teams: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The sealed fields are edited on the person page, by those allowed to read them (IdentityForm).
            for name in ("team", *IDENTITY_FIELDS):
                del self.fields[name]
            return
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()  # type: ignore[attr-defined]


class IdentityForm(forms.Form):
    name = forms.CharField(label=_("Name (sealed)"), required=False, max_length=300)
    phone = forms.CharField(label=_("Phone (sealed)"), required=False, max_length=50)
    handles = forms.CharField(label=_("Accounts and handles (sealed)"), required=False, max_length=500)
    documents = forms.CharField(label=_("Documents (sealed)"), required=False, max_length=500)


# The documented fields a source can support (actions.INCIDENT_SOURCE_FIELDS / ACT_SOURCE_FIELDS), as shown.
INCIDENT_FIELD_LABELS = {
    "": _("the whole incident"),
    "title": _("title"),
    "summary": _("summary"),
    "place": _("place"),
    "start": _("start"),
    "end": _("end"),
    "verification": _("verification"),
    "outcome": _("outcome"),
}
ACT_FIELD_LABELS = {
    "": _("the whole act"),
    "act_type": _("act type"),
    "victim": _("victim"),
    "start": _("start"),
    "end": _("end"),
    "place": _("place"),
    "facility_type": _("facility type"),
    "articles": _("legal articles"),
    "perpetrators": _("perpetrators"),
}


class AttributionForm(forms.Form):
    """Link one of the incident's sources to a field of the incident or of one of its acts, with a grade.

    `field` is "incident:<name>" or "<act id>:<name>"; the view resolves the act through `access`."""

    source = forms.ChoiceField(label=_("Source"))
    field = forms.ChoiceField(label=_("Supports"))
    credibility = forms.ChoiceField(label=_("Credibility of the information"))

    def __init__(self, *args: Any, sources: Any = (), acts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "source", [(str(s.pk), f"{s.label} ({s.reliability})") for s in sources])
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (str(_("Incident")), [(f"incident:{name}", str(text)) for name, text in INCIDENT_FIELD_LABELS.items()])
        ]
        for number, act in enumerate(acts, start=1):
            victim = f" — {act.victim.pseudonym}" if act.victim_id else ""
            heading = f"{_('Act')} {number}: {vocab.label(vocab.ACT_TYPES, act.act_type)}{victim}"
            groups.append((heading, [(f"{act.pk}:{name}", str(text)) for name, text in ACT_FIELD_LABELS.items()]))
        set_choices(self, "field", groups)
        set_choices(self, "credibility", vocab.choices(vocab.RELIABILITY, parent="information_credibility"))

    def target(self) -> tuple[str | None, str]:
        """(act id or None for the incident, field name) of the valid form's choice."""
        owner, _sep, name = self.cleaned_data["field"].partition(":")
        return (None if owner == "incident" else owner), name


# How a link reads from the incident it points to ("X was followed by Y" reads "Y came after X" on Y's page).
INVERSE_LINK_LABELS: dict[str, Any] = {
    LinkKind.FOLLOWED_BY: _("Came after"),
    LinkKind.CAUSED: _("Resulted from"),
    LinkKind.RELATED: _("Is related to"),
    LinkKind.DUPLICATE: _("Is duplicated by"),
}


class LinkForm(forms.Form):
    """Link the incident to another one the user can see, named by its id or found by words (never put in a URL)."""

    kind = forms.ChoiceField(label=_("This incident"), choices=LinkKind.choices)
    to = forms.UUIDField(label=_("Id of the other incident"), required=False)
    q = forms.CharField(label=_("…or find it by words"), required=False, max_length=200)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))


def tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def tristate_text(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


__all__ = [
    "ActForm",
    "AttributionForm",
    "EvidenceForm",
    "IdentityForm",
    "IncidentFilterForm",
    "IncidentForm",
    "LinkForm",
    "Person",
    "PersonForm",
    "SourceForm",
]
