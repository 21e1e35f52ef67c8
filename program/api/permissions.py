"""Who may call what: a token needs the scope of the resource family; a write needs the model permission."""

from rest_framework import permissions

from program.tokens import ApiToken


def required_scope(view, request) -> str | None:
    """`<family>:read` for safe methods, `<family>:write` otherwise; None when the view needs no scope."""
    family = getattr(view, "scope_family", None)
    if family is None:
        return None
    return f"{family}:{'read' if request.method in permissions.SAFE_METHODS else 'write'}"


class TokenHasScope(permissions.BasePermission):
    """A token call must hold the scope of the view's family; session calls are bounded by the user alone.

    Views without `scope_family` are closed to tokens unless they say `token_scope_exempt = True`.
    """

    message = "This token lacks the scope this endpoint needs."

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return True
        if getattr(view, "token_scope_exempt", False):
            return True
        scope = required_scope(view, request)
        if scope is None or not request.auth.has_scope(scope):
            self.message = f"This token lacks the scope {scope!r}." if scope else self.message
            return False
        return True


class WritesNeedModelPermission(permissions.BasePermission):
    """Reads are bounded by the visibility selectors; writes also need the Django model permission.

    Creation needs `add_<model>`, any other write `change_<model>`; a view narrows it per action with
    `write_permissions = {"publish": "roles.change_standardversion"}`. The service called then enforces
    the business rules (a coach signs off only their own learners, a published version is frozen...).
    """

    message = "Your account may not make this change."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        action = getattr(view, "action", None)
        explicit = getattr(view, "write_permissions", {}).get(action)
        if explicit:
            return request.user.has_perm(explicit)
        model = view.get_queryset().model
        verb = "add" if action == "create" else "change"
        return request.user.has_perm(f"{model._meta.app_label}.{verb}_{model._meta.model_name}")
