"""Forms of the coach workspace: the sign-off and the revocation."""

from django import forms

from roles.models import StandardVersion

from .choices import SignOffDecision
from .models import Attempt


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, attempt: Attempt) -> str:
        return f"{attempt.scenario.title} #{attempt.attempt_number} · {attempt.score} · {attempt.completed_at:%d %b %Y}"


class SignOffForm(forms.Form):
    standard_version = forms.ModelChoiceField(queryset=StandardVersion.objects.none(), empty_label=None)
    decision = forms.ChoiceField(choices=SignOffDecision.choices, widget=forms.RadioSelect)
    reflection_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you observed, what convinced you, what to keep practising.",
    )
    evidence_reviewed = EvidenceChoiceField(
        queryset=Attempt.objects.none(), widget=forms.CheckboxSelectMultiple, help_text="The attempts you reviewed."
    )

    def __init__(self, *args, versions, attempts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_version"].queryset = versions
        self.fields["evidence_reviewed"].queryset = attempts


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Why the sign-off no longer holds.")
