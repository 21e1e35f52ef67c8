"""Assessment models, one concept per module."""

from .evidence import Attempt, Scenario, SignOff
from .gates import GateException, GateGrant
from .readiness import ExpiryReminder, PersonReadiness

__all__ = ["Attempt", "ExpiryReminder", "GateException", "GateGrant", "PersonReadiness", "Scenario", "SignOff"]
