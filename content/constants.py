"""Constants of the content refresh loop."""

# Root-cause category (program.choices.RootCauseCategory) -> the skill tags whose content covers it.
# An item whose skills carry one of these tags "covers" the root cause; when no matching item does, the
# L&D admins get a coverage-gap ticket.
ROOT_CAUSE_SKILL_TAGS: dict[str, frozenset[str]] = {
    "bad_deploy": frozenset({"release-safety"}),
    "feature_flag": frozenset({"release-safety"}),
    "dependency_timeout": frozenset({"payments"}),
    "slow_query": frozenset({"performance"}),
    "capacity": frozenset({"performance"}),
    "alerting_gap": frozenset({"incident-response"}),
    "code_defect": frozenset({"release-safety"}),
    # No demo skill teaches infrastructure (certificates, clusters, queues): such incidents show as coverage gaps.
    "infrastructure": frozenset({"infrastructure"}),
    "unknown": frozenset(),
}

# How much an item whose skills carry the root cause's tags adds to its text similarity (0..1).
ROOT_CAUSE_TAG_BONUS = 0.12
# At most this many refresh tickets per note: the best matches, not everything vaguely similar.
MAX_TICKETS_PER_NOTE = 5
# Characters of the note quoted in a ticket's explanation.
EXCERPT_CHARS = 280
