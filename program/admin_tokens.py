"""Admin of API tokens: create one (its value is shown once, in the confirmation message), list, revoke."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from .choices import ApiScope
from .tokens import ApiToken, api_token_create, api_token_revoke


class ApiTokenCreateForm(forms.ModelForm):
    """The fields a person chooses; prefix, hash and expiry date are computed by `api_token_create`."""

    owner = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True))
    scopes = forms.MultipleChoiceField(choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)
    expires_in_days = forms.IntegerField(min_value=1, max_value=730, initial=90)

    class Meta:
        model = ApiToken
        fields = ["owner", "name", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "prefix", "scope_list", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "owner__username", "prefix"]
    readonly_fields = ["owner", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="scopes")
    def scope_list(self, token):
        return ", ".join(token.scopes)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["owner", "name", "scopes", "expires_in_days"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A token is never edited: revoke it and create another, so what each token could do stays known.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        token, plain = api_token_create(
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
        form.instance = token
        obj.pk = token.pk
        messages.warning(request, f"Copy this token now; it cannot be shown again: {plain}")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
        messages.success(request, "Revoked.")
