"""Response headers the portal adds to every answer: Permissions-Policy, and no caching of personal data.

The Content-Security-Policy comes from Django's own `ContentSecurityPolicyMiddleware` (`SECURE_CSP` in settings).
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` as the header reads it: `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowlist)})" for feature, allowlist in policy.items())


class PermissionsPolicyMiddleware:
    """Sets `Permissions-Policy` from `PERMISSIONS_POLICY`: the portal uses no camera, microphone, location,
    payment or USB, so a script injected despite the CSP could not reach them either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every API answer and on every page shown to a signed-in user.

    API answers and pages carry personal data (readiness, evidence, audit): no shared proxy and no browser
    disk cache may keep a copy. A view that set its own caching (the public xAPI profile) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        is_api = request.path.startswith("/api/")
        if is_api or (user is not None and user.is_authenticated and not response.has_header("Cache-Control")):
            patch_cache_control(response, private=True, no_store=True)
        return response
