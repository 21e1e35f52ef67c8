"""Writes each login lockout by django-axes to the portal's audit trail (see AXES_* in settings)."""

from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver

from .services import login_lockout_audit


@receiver(user_locked_out, dispatch_uid="program-audit-login-lockout")
def audit_login_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    login_lockout_audit(username=username or "", ip_address=ip_address or "", window=settings.AXES_COOLOFF_TIME)
