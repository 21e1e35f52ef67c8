"""Assessment models, one concept per module."""

from .calibration import CalibrationRound, CalibrationScore, ReviewerCalibration, SpotCheck
from .evidence import Attempt, Scenario, SignOff
from .gates import GateException, GateGrant
from .lrs import ActorIdentity, LRSConnection, LRSSyncRun, QuarantinedStatement, Statement
from .readiness import ExpiryReminder, PersonReadiness, ReadinessFailure

__all__ = [
    "ActorIdentity",
    "Attempt",
    "CalibrationRound",
    "CalibrationScore",
    "ExpiryReminder",
    "GateException",
    "GateGrant",
    "LRSConnection",
    "LRSSyncRun",
    "PersonReadiness",
    "QuarantinedStatement",
    "ReadinessFailure",
    "ReviewerCalibration",
    "Scenario",
    "SignOff",
    "SpotCheck",
    "Statement",
]
