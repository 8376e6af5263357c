"""Forms of the review queue: filters and one field decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.monitoring.models import FieldStatus


class QueueFilterForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any")), ("ru", _("Russian")), ("en", _("English"))]
    )
    since = forms.DateField(label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Reported until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, teams: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["team"].choices = [("", _("All my teams")), *teams]  # type: ignore[attr-defined]


class FieldDecisionForm(forms.Form):
    status = forms.ChoiceField(choices=FieldStatus.choices)
    value = forms.CharField(required=False, max_length=200)


class MergeForm(forms.Form):
    incident = forms.IntegerField(min_value=1)
