"""Token authentication for integrations: `Authorization: Bearer rp_<prefix>_<secret>`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from program.tokens import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates as the token's owner; `request.auth` is the token, so permissions can check its scopes."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: expected 'Bearer <token>'."))
        try:
            plain = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = api_token_authenticate(plain)
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.owner, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to an anonymous call, telling the client how to authenticate.
        return f'{self.keyword} realm="api"'
