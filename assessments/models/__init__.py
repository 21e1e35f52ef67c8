"""Assessment models, one concept per module."""

from .evidence import Attempt, Scenario, SignOff
from .gates import GateException, GateGrant
from .lrs import ActorIdentity, LRSConnection, LRSSyncRun, QuarantinedStatement, Statement
from .readiness import ExpiryReminder, PersonReadiness, ReadinessFailure

__all__ = [
    "ActorIdentity",
    "Attempt",
    "ExpiryReminder",
    "GateException",
    "GateGrant",
    "LRSConnection",
    "LRSSyncRun",
    "PersonReadiness",
    "QuarantinedStatement",
    "ReadinessFailure",
    "Scenario",
    "SignOff",
    "Statement",
]
