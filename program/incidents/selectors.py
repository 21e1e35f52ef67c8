"""Reads of incidents: MTTR and counts per service over a window, and who may see which incident."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from program.models import Incident
from program.selectors import teams_visible_to, user_reads_everyone


@dataclass(frozen=True)
class ServiceIncidentFigures:
    """Incidents of one service that started in a window: how many, how many restored, their mean time to
    restore (restored − started, in minutes; None when none was restored)."""

    service_id: int
    incidents: int
    restored: int
    mttr_minutes: float | None


def incidents_mttr_by_service(
    start: datetime.datetime, end: datetime.datetime, *, service_ids: list[int] | None = None
) -> dict[int, ServiceIncidentFigures]:
    """Incident count and MTTR per service for incidents that started in [start, end) (one query).

    An incident on two services counts for both. Services without an incident in the window are absent.
    """
    rows = Incident.objects.filter(started_at__gte=start, started_at__lt=end, services__isnull=False)
    if service_ids is not None:
        rows = rows.filter(services__in=service_ids)
    totals: dict[int, list] = {}
    for service_id, started_at, restored_at in rows.values_list("services", "started_at", "restored_at"):
        if service_ids is not None and service_id not in service_ids:
            continue
        counts = totals.setdefault(service_id, [0, 0, 0.0])
        counts[0] += 1
        if restored_at is not None:
            counts[1] += 1
            counts[2] += (restored_at - started_at).total_seconds() / 60
    return {
        service_id: ServiceIncidentFigures(
            service_id=service_id,
            incidents=count,
            restored=restored,
            mttr_minutes=round(minutes / restored, 1) if restored else None,
        )
        for service_id, (count, restored, minutes) in sorted(totals.items())
    }


def incident_counts_by_service(start: datetime.datetime, end: datetime.datetime) -> dict[int, int]:
    """How many incidents started on each service in [start, end) (one query)."""
    return {service_id: figures.incidents for service_id, figures in incidents_mttr_by_service(start, end).items()}


def incidents_visible_to(user: User | AnonymousUser, queryset: QuerySet[Incident] | None = None) -> QuerySet:
    """Incidents this login may read: L&D admins and integrations all; others those on a service owned by a
    team they see (their own, or the teams they manage and below)."""
    queryset = Incident.objects.all() if queryset is None else queryset
    if user_reads_everyone(user):
        return queryset
    visible = Incident.objects.filter(services__team__in=teams_visible_to(user).values("pk")).values("pk")
    return queryset.filter(pk__in=visible)
