"""Token authentication for integrations: `Authorization: Bearer rp_<prefix>_<secret>`.

Each bad token counts against the caller's address (`AuthenticationFailureThrottle`); past the limit the address is
answered 429 before any token is looked at, so guessing tokens is slow whatever is guessed."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from program.tokens import api_token_authenticate

from .throttling import AuthenticationFailureThrottle


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates as the token's owner; `request.auth` is the token, so permissions can check its scopes."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        throttle = AuthenticationFailureThrottle()
        wait = throttle.refusal_wait(request)
        if wait is not None:
            raise exceptions.Throttled(wait, str(_("Too many invalid tokens from this address.")))
        if len(header) != 2:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: expected 'Bearer <token>'."))
        try:
            plain = header[1].decode()
        except UnicodeDecodeError as error:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = api_token_authenticate(plain)
        if token is None or not token.owner.is_active:
            throttle.record_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.owner, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to an anonymous call, telling the client how to authenticate.
        return f'{self.keyword} realm="api"'
