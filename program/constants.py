"""Names of the permission groups created by migration program/0002 and used by the visibility rules."""

LD_ADMIN_GROUP = "L&D admin"
COACH_GROUP = "Coach"
MANAGER_GROUP = "Manager"
LEARNER_GROUP = "Learner"
INTEGRATION_GROUP = "Integration"
# Reads every dashboard and the weekly scorecard; changes nothing (added by migration program/0007).
EXECUTIVE_GROUP = "Executive"
