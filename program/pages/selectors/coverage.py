"""On-call coverage of services at given moments, read once and asked many times (the scorecard's weeks, and the
upcoming events' start times).

A service's on-call roster is the active people of its owning team whose role works towards the standard its
on-call gate requires (the service's own gate, else the all-services one). One of them covers the service at a
moment when they hold a ready sign-off on that standard then (signed before, not yet expired or revoked) or an
on-call exception for the service (or for all services) open then. Sign-offs keep their history, so past weeks
are as true as this one, and future moments see what will still hold. Four queries, whatever the size.
"""

import datetime
from collections import defaultdict

from assessments.choices import SignOffDecision
from assessments.models import GateException, SignOff
from program.models import Person, Service
from roles.choices import GateKind
from roles.models import Gate


def _held_at(intervals: list[tuple], moment: datetime.datetime) -> bool:
    return any(start <= moment and (end is None or end > moment) for start, end in intervals)


class OnCallCoverage:
    """The rosters and holdings of the given services, to ask `share(service, moment)` of."""

    def __init__(self, services: list[Service], *, until: datetime.datetime):
        team_ids = {service.team_id for service in services}
        self.required = dict(
            Gate.objects.filter(kind=GateKind.ON_CALL, active=True).values_list("service_id", "required_standard_id")
        )
        self.people = list(
            Person.objects.filter(team_id__in=team_ids, active=True, role__standard__isnull=False).values_list(
                "pk", "team_id", "region_id", "role__standard__pk"
            )
        )
        person_ids = [person[0] for person in self.people]
        self.signoffs: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        for person_id, standard_id, signed_at, expires_at, revoked_at in SignOff.objects.filter(
            person_id__in=person_ids, decision=SignOffDecision.READY, signed_at__lte=until
        ).values_list("person_id", "standard_version__standard_id", "signed_at", "expires_at", "revoked_at"):
            ends = [moment for moment in (expires_at, revoked_at) if moment is not None]
            self.signoffs[(person_id, standard_id)].append((signed_at, min(ends) if ends else None))
        self.exceptions: dict[tuple[int, int | None], list[tuple]] = defaultdict(list)
        for person_id, service_id, starts_at, ends_at, ended_early_at in GateException.objects.filter(
            gate__kind=GateKind.ON_CALL, person_id__in=person_ids, starts_at__lte=until
        ).values_list("person_id", "gate__service_id", "starts_at", "ends_at", "ended_early_at"):
            self.exceptions[(person_id, service_id)].append((starts_at, min(filter(None, (ends_at, ended_early_at)))))

    def standard_for(self, service: Service) -> int | None:
        return self.required.get(service.pk, self.required.get(None))

    def roster(self, service: Service, *, region_id: int | None = None) -> list[int]:
        standard_id = self.standard_for(service)
        if standard_id is None:
            return []
        return [
            person_id
            for person_id, team_id, person_region, person_standard in self.people
            if team_id == service.team_id
            and person_standard == standard_id
            and (region_id is None or person_region == region_id)
        ]

    def covered(self, service: Service, moment: datetime.datetime, *, region_id: int | None = None) -> int:
        standard_id = self.standard_for(service)
        return sum(
            1
            for person_id in self.roster(service, region_id=region_id)
            if _held_at(self.signoffs.get((person_id, standard_id), []), moment)
            or _held_at(self.exceptions.get((person_id, service.pk), []), moment)
            or _held_at(self.exceptions.get((person_id, None), []), moment)
        )

    def share(self, service: Service, moment: datetime.datetime, *, region_id: int | None = None) -> float | None:
        roster = self.roster(service, region_id=region_id)
        return self.covered(service, moment, region_id=region_id) / len(roster) if roster else None
