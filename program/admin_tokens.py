"""Admin of API tokens: create one (its value is shown once, in the confirmation message), list, revoke.

A token is created for yourself, or by an L&D admin for a machine account only (`api_token_may_mint`); tokens are
never edited or deleted, so what each one could do and did stays known."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from .admin_mixins import EvidenceAdminMixin
from .choices import ApiScope
from .tokens import ApiToken, api_token_create, api_token_may_mint, api_token_revoke


class ApiTokenCreateForm(forms.ModelForm):
    """The fields a person chooses; prefix, hash and expiry date are computed by `api_token_create`."""

    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="Yourself, or (L&D admins) a machine account: Integration group, no person, not staff.",
    )
    scopes = forms.MultipleChoiceField(choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)
    expires_in_days = forms.IntegerField(min_value=1, max_value=730, initial=90)
    created_by = None  # set per request by ApiTokenAdmin.get_form: the logged-in admin

    class Meta:
        model = ApiToken
        fields = ["owner", "name", "scopes"]

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if not api_token_may_mint(created_by=self.created_by, owner=owner):
            raise forms.ValidationError(
                "You may create a token for yourself, or (as an L&D admin) for a machine account only: a token acts "
                "as its owner, and the audit trail would name them."
            )
        return owner


@admin.register(ApiToken)
class ApiTokenAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "owner", "prefix", "scope_list", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "owner__username", "prefix"]
    readonly_fields = ["owner", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]
    added_through_service = True

    @admin.display(description="scopes")
    def scope_list(self, token):
        return ", ".join(token.scopes)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type("ApiTokenCreateByForm", (ApiTokenCreateForm,), {"created_by": request.user})
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["owner", "name", "scopes", "expires_in_days"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        token, plain = api_token_create(
            owner=form.cleaned_data["owner"],
            created_by=request.user,
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
            api_token_revoke(token=token, revoked_by=request.user)
        messages.success(request, "Revoked.")
