"""Forms of the oversight records entered on a cadre. They parse input; the services decide."""

from django import forms

from cadre_office.forms import PleaseChooseMixin
from cadres.forms import DateInput
from oversight.models import AnnualAppraisal, DisciplineAction
from oversight.services import EFFECT_BEFORE_DECISION


class AppraisalForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = AnnualAppraisal
        fields = ["year", "grade"]


class DisciplineForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = DisciplineAction
        fields = ["kind", "decided_on", "effect_until", "summary"]
        widgets = {"decided_on": DateInput(), "effect_until": DateInput()}

    def clean(self):
        data = super().clean()
        decided_on, effect_until = data.get("decided_on"), data.get("effect_until")
        if decided_on and effect_until and effect_until < decided_on:
            # Said here in words, rather than as the model's check constraint's generic message.
            self.add_error("effect_until", EFFECT_BEFORE_DECISION)
        return data
