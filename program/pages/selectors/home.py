"""What the home page shows each kind of user: what needs their attention now.

Each section is read in a fixed number of queries (aggregates and short, ordered lists), so the home page costs
the same whatever the size of the org.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from assessments.choices import ReadinessStatus, StatementStatus
from assessments.models import ActorIdentity, GateException, GateGrant, PersonReadiness, QuarantinedStatement, Statement
from assessments.selectors.coaching import coach_queue
from content.choices import ContentStatus, RefreshStatus
from content.models import ContentItem, RefreshTicket
from equity.models import EquityAudit, EquityFinding
from program.models import Person, Team

from ..access import Viewer
from .equity import ACTION_FLAGS
from .scorecard import ServiceScore, weekly_scorecard

EXPIRY_HORIZON_DAYS = 30
CURRENT_STATUSES = (ReadinessStatus.SIGNED_OFF, ReadinessStatus.EXPIRING_SOON)
SHORT_LIST = 8


@dataclass(frozen=True)
class LearnerSection:
    readiness: list[PersonReadiness]
    grants: list[GateGrant]
    exceptions: list[GateException]


@dataclass(frozen=True)
class CoachSection:
    ready: list[PersonReadiness]
    ready_count: int


@dataclass
class TeamSummary:
    team: Team
    headcount: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    top_gaps: list[tuple[str, int]] = field(default_factory=list)

    @property
    def signed_off(self) -> int:
        return sum(self.by_status.get(status, 0) for status in CURRENT_STATUSES)

    @property
    def ready_for_signoff(self) -> int:
        return self.by_status.get(ReadinessStatus.READY_FOR_SIGNOFF, 0)

    @property
    def working(self) -> int:
        return sum(
            self.by_status.get(status, 0)
            for status in (ReadinessStatus.IN_PROGRESS, ReadinessStatus.NOT_STARTED, ReadinessStatus.EXPIRED)
        ) + self.by_status.get(ReadinessStatus.REVOKED, 0)

    @property
    def signed_off_share(self) -> int | None:
        total = sum(self.by_status.values())
        return round(100 * self.signed_off / total) if total else None


@dataclass(frozen=True)
class ManagerSection:
    teams: list[TeamSummary]
    expiring: list[PersonReadiness]
    exceptions_ending: list[GateException]


@dataclass(frozen=True)
class AdminSection:
    quarantined: int
    identities_waiting: int
    statements_waiting: int
    overdue_content: list[ContentItem]
    overdue_count: int
    open_refresh_tickets: int
    audit: EquityAudit | None
    red_findings: list[EquityFinding]


def learner_section(*, person: Person, now: datetime.datetime) -> LearnerSection:
    """The learner's standards (status, what is left and why, expiry) and the gates they hold. Three queries."""
    return LearnerSection(
        readiness=list(
            PersonReadiness.objects.filter(person=person).select_related("standard", "standard_version", "signoff")
        ),
        grants=list(
            GateGrant.objects.filter(person=person, removed_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .select_related("gate__service")
            .order_by("expires_at", "pk")
        ),
        exceptions=list(
            GateException.objects.filter(person=person, ends_at__gt=now, ended_early_at__isnull=True)
            .select_related("gate__service")
            .order_by("ends_at", "pk")
        ),
    )


def coach_section(*, coach: Person) -> CoachSection:
    """The head of the coach's queue and its length. Two queries."""
    queue = coach_queue(coach=coach)
    return CoachSection(ready=list(queue[:SHORT_LIST]), ready_count=queue.count())


def manager_section(*, team_ids: frozenset[int], now: datetime.datetime) -> ManagerSection:
    """Per managed team: headcount, readiness by status and the most common unmet criteria; then the sign-offs
    and gate exceptions ending within EXPIRY_HORIZON_DAYS. Five queries, whatever the number of teams."""
    summaries = {team.pk: TeamSummary(team=team) for team in Team.objects.filter(pk__in=team_ids).order_by("name")}
    for row in (
        Person.objects.filter(team_id__in=team_ids, active=True).values("team_id").annotate(n=Count("id")).order_by()
    ):
        summaries[row["team_id"]].headcount = row["n"]
    active_rows = PersonReadiness.objects.filter(person__team_id__in=team_ids, person__active=True)
    for row in active_rows.values("person__team_id", "status").annotate(n=Count("id")).order_by():
        summaries[row["person__team_id"]].by_status[row["status"]] = row["n"]
    gaps: dict[int, Counter] = {team_id: Counter() for team_id in summaries}
    working = active_rows.filter(status__in=(ReadinessStatus.IN_PROGRESS, ReadinessStatus.NOT_STARTED))
    for team_id, unmet in working.values_list("person__team_id", "unmet_criteria"):
        gaps[team_id].update(item["title"] for item in unmet or [])
    for team_id, counter in gaps.items():
        summaries[team_id].top_gaps = counter.most_common(3)
    horizon = now + datetime.timedelta(days=EXPIRY_HORIZON_DAYS)
    return ManagerSection(
        teams=list(summaries.values()),
        expiring=list(
            active_rows.filter(status__in=CURRENT_STATUSES, expires_at__gt=now, expires_at__lte=horizon)
            .select_related("person__team", "standard")
            .order_by("expires_at", "pk")[: SHORT_LIST * 2]
        ),
        exceptions_ending=list(
            GateException.objects.filter(
                person__team_id__in=team_ids, ends_at__gt=now, ends_at__lte=horizon, ended_early_at__isnull=True
            )
            .select_related("person", "gate__service")
            .order_by("ends_at", "pk")[:SHORT_LIST]
        ),
    )


def admin_section(*, today: datetime.date) -> AdminSection:
    """The L&D admin's queues: quarantine, identity review queue, overdue content reviews, open refresh tickets,
    and the adverse-impact findings of the latest equity audit. Eight queries."""
    overdue = ContentItem.objects.filter(status=ContentStatus.PUBLISHED, review_by__lt=today).select_related("owner")
    audit = EquityAudit.objects.filter(run_at__isnull=False).order_by("-run_at", "-id").first()
    return AdminSection(
        quarantined=QuarantinedStatement.objects.filter(reprocessed_at__isnull=True).count(),
        identities_waiting=ActorIdentity.objects.filter(person__isnull=True).count(),
        statements_waiting=Statement.objects.filter(status=StatementStatus.AWAITING_IDENTITY).count(),
        overdue_content=list(overdue.order_by("review_by", "pk")[:SHORT_LIST]),
        overdue_count=overdue.count(),
        open_refresh_tickets=RefreshTicket.objects.filter(
            status__in=(RefreshStatus.OPEN, RefreshStatus.IN_PROGRESS)
        ).count(),
        audit=audit,
        red_findings=(
            list(audit.findings.filter(flag__in=ACTION_FLAGS).order_by("metric", "group")) if audit is not None else []
        ),
    )


@dataclass(frozen=True)
class ExecutiveSection:
    """The services whose scorecard needs a look this week (any measure below or near its target)."""

    attention: list[ServiceScore]
    services: int


def executive_section(*, now: datetime.datetime) -> ExecutiveSection:
    scorecard = weekly_scorecard(now=now)
    attention = [score for score in scorecard.services if score.worst in ("red", "amber")]
    return ExecutiveSection(attention=attention, services=len(scorecard.services))


@dataclass(frozen=True)
class HomePage:
    viewer: Viewer
    learner: LearnerSection | None
    coach: CoachSection | None
    manager: ManagerSection | None
    admin: AdminSection | None
    executive: ExecutiveSection | None = None


def home_for(viewer: Viewer, *, now: datetime.datetime | None = None) -> HomePage:
    """Every section this viewer's hats call for (a coach who manages a team sees both)."""
    now = now or timezone.now()
    return HomePage(
        viewer=viewer,
        learner=learner_section(person=viewer.person, now=now) if viewer.is_learner else None,
        coach=coach_section(coach=viewer.person) if viewer.is_coach else None,
        manager=manager_section(team_ids=viewer.managed_team_ids, now=now) if viewer.is_manager else None,
        admin=admin_section(today=timezone.localdate(now)) if viewer.is_admin else None,
        executive=executive_section(now=now) if viewer.is_executive else None,
    )
