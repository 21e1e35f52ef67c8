"""Plans the demo org's people and their history from the data files, without touching the database.

Everything is drawn from `random.Random` instances seeded from the data files and each person's key, so
the same data files and the same day always give the same org, and a person's history does not depend on
who else is in the org. The loader (`seeds.loader`) then writes the plan through the services.
"""

import datetime
import math
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.choices import ScenarioKind, ScoringRule, SignOffDecision
from assessments.scoring import score_from_result

from .data_files import DemoData

UTC = datetime.UTC


@dataclass
class PersonPlan:
    """One person as they joined: team, role, place, language, and who coaches and manages them."""

    key: str
    full_name: str
    email: str
    team: str
    role: str
    region: str
    shift: str
    language: str
    started_on: datetime.date
    coach: str | None = None
    manager: str | None = None
    manages: str | None = None
    is_coach: bool = False
    named: bool = False
    moves: list["MovePlan"] = field(default_factory=list)


@dataclass(frozen=True)
class MovePlan:
    """A past team move (and maybe role change), with the new manager and coach."""

    on: datetime.date
    team: str
    role: str
    manager: str | None
    coach: str | None


@dataclass
class AttemptPlan:
    """One attempt to record, already scored under the scenario's scoring rule."""

    scenario: str
    role: str
    at: datetime.datetime
    score: Decimal
    level: int
    reviewer: str | None
    key_steps: list[str]
    errors: list[str]
    timings: tuple[int, int, int] | None
    evidence_source: str


@dataclass
class SignOffPlan:
    """A coach's decision, the attempts they reviewed, and a later revocation if there is one."""

    coach: str
    role: str
    at: datetime.datetime
    decision: str
    notes: str
    evidence: list[AttemptPlan]
    revoked_at: datetime.datetime | None = None
    revoke_reason: str = ""


@dataclass
class HistoryPlan:
    """Everything that happened to one person, in the order it happened."""

    person: str
    attempts: list[AttemptPlan] = field(default_factory=list)
    signoffs: list[SignOffPlan] = field(default_factory=list)
    ready_unsigned: bool = False


def slug(text: str) -> str:
    """ASCII slug of a name (`Łukasz Wójcik` → `lukasz-wojcik`), used for keys and e-mail addresses."""
    text = text.translate(str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "ß": "ss"}))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def at_hour(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour % 24, minute), tzinfo=UTC)


# ---------------------------------------------------------------------------------------------------------
# People


def plan_people(data: DemoData, today: datetime.date) -> list[PersonPlan]:
    """The named people, then the generated ones, with coaches, managers and past team moves."""
    domain = data.people["email_domain"]
    team_manager = {p["manages"]: p["key"] for p in data.people["named"] if p.get("manages")}
    team_parent = {team["slug"]: team.get("parent") for team in data.org["teams"]}
    people: list[PersonPlan] = []
    for named in data.people["named"]:
        manager = team_manager.get(named["team"])
        if named.get("manages"):
            parent = team_parent.get(named["manages"])
            manager = team_manager.get(parent) if parent else None
        people.append(
            PersonPlan(
                key=named["key"],
                full_name=named["full_name"],
                email=f"{named['key'].replace('-', '.')}@{domain}",
                team=named["team"],
                role=named["role"],
                region=named["region"],
                shift=named["shift"],
                language=named["language"],
                started_on=today - datetime.timedelta(days=named["started_days_ago"]),
                coach=named["coach"],
                manager=manager,
                manages=named.get("manages"),
                is_coach=named.get("coaches", False),
                named=True,
            )
        )
    coaches_by_role: dict[str, list[PersonPlan]] = {}
    for person in people:
        if person.is_coach:
            coaches_by_role.setdefault(person.role, []).append(person)
    coach_load: Counter[str] = Counter()

    def pick_coach(role: str, region: str) -> str:
        candidates = coaches_by_role[role]
        local = [coach for coach in candidates if coach.region == region] or candidates
        chosen = min(local, key=lambda coach: (coach_load[coach.key], coach.key))
        coach_load[chosen.key] += 1
        return chosen.key

    generation = data.people["generation"]
    rng = random.Random(generation["seed"])
    taken = {person.key for person in people}
    start = generation["start"]
    for team in generation["teams"]:
        for _ in range(team["headcount"]):
            region = weighted_choice(rng, team["regions"])
            language = weighted_choice(rng, generation["languages"][region])
            pool = generation["names"].get(f"{language}-{region}") or generation["names"][language]
            full_name = f"{rng.choice(pool['first'])} {rng.choice(pool['last'])}"
            key, suffix = slug(full_name), 2
            while key in taken:
                key, suffix = f"{slug(full_name)}-{suffix}", suffix + 1
            taken.add(key)
            role = weighted_choice(rng, team["roles"])
            if rng.random() < start["recent_share"]:
                days_ago = rng.randint(5, start["recent_days"])
            else:
                days_ago = rng.randint(start["recent_days"] + 1, start["oldest_days"])
            people.append(
                PersonPlan(
                    key=key,
                    full_name=full_name,
                    email=f"{key.replace('-', '.')}@{domain}",
                    team=team["team"],
                    role=role,
                    region=region,
                    shift=weighted_choice(rng, generation["shifts"][region]),
                    language=language,
                    started_on=today - datetime.timedelta(days=days_ago),
                    coach=pick_coach(role, region),
                    manager=team_manager[team["team"]],
                )
            )
    _plan_moves(data, today, people, team_manager, pick_coach)
    return people


def _plan_moves(data, today, people, team_manager, pick_coach) -> None:
    rng = random.Random(f"{data.history['seed']}:moves")
    roles_by_team = {team["team"]: set(team["roles"]) for team in data.people["generation"]["teams"]}
    eligible = [
        person
        for person in people
        if not person.named and person.started_on <= today - datetime.timedelta(days=200) and not person.moves
    ]
    for spec in data.history["moves"]:

        def destinations(person: PersonPlan, spec: dict = spec) -> list[str]:
            if spec.get("to_team"):
                return [spec["to_team"]]
            role = spec.get("role", person.role)
            return sorted(team for team, roles in roles_by_team.items() if role in roles and team != person.team)

        candidates = [
            p for p in eligible if not p.moves and p.role == spec.get("from_role", p.role) and destinations(p)
        ]
        for person in rng.sample(candidates, min(spec["count"], len(candidates))):
            role = spec.get("role", person.role)
            team = rng.choice(destinations(person))
            coach = pick_coach(role, person.region) if role != person.role else person.coach
            days_ago = rng.randint(*spec["days_ago"])
            person.moves.append(
                MovePlan(
                    on=today - datetime.timedelta(days=days_ago),
                    team=team,
                    role=role,
                    manager=team_manager[team],
                    coach=coach,
                )
            )


# ---------------------------------------------------------------------------------------------------------
# History


@dataclass(frozen=True)
class _Stint:
    """A stretch of time in one role with one coach, between two moves."""

    role: str
    coach: str | None
    begins: datetime.date
    ends: datetime.date


class HistoryPlanner:
    """Simulates each person's attempts and sign-offs from the history parameters, reproducibly."""

    def __init__(self, data: DemoData, today: datetime.date):
        self.data = data
        self.today = today
        self.cutoff = at_hour(today, 0)
        self.history = data.history
        self.scenarios = {scenario["key"]: scenario for scenario in data.scenarios["scenarios"]}
        scenario_for_item = {scenario["content_item"]: scenario["key"] for scenario in data.scenarios["scenarios"]}
        self.path_scenarios: dict[str, list[str]] = {}
        for path in data.paths["paths"]:
            keys = [
                scenario_for_item[step["content"]] for step in path["steps"] if step["content"] in scenario_for_item
            ]
            self.path_scenarios[path["role"]] = list(dict.fromkeys(keys))
        self.shift_hour = {shift["code"]: shift["starts_at_hour_utc"] for shift in data.org["shifts"]}

    def days_ago(self, days: float) -> datetime.date:
        return self.today - datetime.timedelta(days=int(days))

    def plan(self, people: list[PersonPlan]) -> dict[str, HistoryPlan]:
        by_key = {person.key: person for person in people}
        plans = {person.key: self._plan_person(person, by_key) for person in people}
        self._leave_demo_coach_queue(people, plans)
        self._plan_revocations(people, plans)
        return plans

    def _stints(self, person: PersonPlan) -> list[_Stint]:
        stints, begins, role, coach = [], person.started_on, person.role, person.coach
        for move in sorted(person.moves, key=lambda move: move.on):
            stints.append(_Stint(role, coach, begins, move.on))
            begins, role, coach = move.on, move.role, move.coach
        stints.append(_Stint(role, coach, begins, self.today))
        return stints

    def _program_start(self, person: PersonPlan, rng: random.Random) -> tuple[datetime.date, list[int]]:
        pilot, rollout = self.history["pilot"], self.history["rollout"]
        if person.is_coach:
            # Coaches went through the path first, so that they could coach it.
            return self.days_ago(rng.randint(pilot["first_day_ago"] - 15, pilot["first_day_ago"] + 5)), pilot[
                "gap_days"
            ]
        in_pilot = person.team in pilot["teams"] and person.started_on <= self.days_ago(pilot["first_day_ago"])
        if in_pilot and rng.random() < pilot["share"]:
            return self.days_ago(rng.randint(pilot["last_day_ago"], pilot["first_day_ago"])), pilot["gap_days"]
        earliest = max(self.days_ago(rollout["first_day_ago"]), person.started_on + datetime.timedelta(days=14))
        return earliest + datetime.timedelta(days=rng.randint(0, 20)), rollout["gap_days"]

    def _plan_person(self, person: PersonPlan, by_key: dict[str, PersonPlan]) -> HistoryPlan:
        rng = random.Random(f"{self.history['seed']}:{person.key}")
        plan = HistoryPlan(person=person.key)
        ability = rng.gauss(0, self.history["scores"]["ability_sd"]) + (6 if person.is_coach else 0)
        program_start, gap_days = self._program_start(person, rng)
        demo = self.history["demo_learner"]
        for stint in self._stints(person):
            scenarios = self.path_scenarios[stint.role]
            if person.key == demo["person"]:
                scenarios = scenarios[: demo["scenarios_done"]]
            cursor = max(program_start, stint.begins)
            last: dict[str, AttemptPlan] = {}
            finished = True
            for scenario_key in scenarios:
                cursor += datetime.timedelta(days=rng.randint(*gap_days))
                attempts = self._attempts(person, stint, scenario_key, cursor, ability, rng)
                if not attempts:
                    finished = False
                    break
                plan.attempts.extend(attempts)
                last[scenario_key] = attempts[-1]
                cursor = attempts[-1].at.date()
            finished = finished and person.key != demo["person"] and len(last) == len(scenarios)
            if finished and cursor < stint.ends:
                self._plan_decision(person, stint, last, rng, plan, by_key)
        return plan

    def _attempts(self, person, stint, scenario_key, day, ability, rng) -> list[AttemptPlan]:
        scenario = self.scenarios[scenario_key]
        rollout = self.history["rollout"]
        attempts = []
        for number in range(1, rollout["max_attempts"] + 1):
            at = at_hour(day, self.shift_hour[person.shift] + rng.randint(1, 6), rng.randint(0, 59))
            if at >= self.cutoff or day >= stint.ends:
                break
            attempts.append(self._attempt(person, stint, scenario, at, ability, number, rng))
            if attempts[-1].score >= Decimal(str(scenario["pass_mark"])):
                break
            day += datetime.timedelta(days=rng.randint(*rollout["retry_gap_days"]))
        return attempts

    def _attempt(self, person, stint, scenario, at, ability, number, rng) -> AttemptPlan:
        scores = self.history["scores"]
        performance = (
            scores["typical"]
            + ability
            + scores["region_offset"][person.region]
            + scores["shift_offset"][person.shift]
            - scenario["difficulty"]
            + (number - 1) * scores["retry_gain"]
            + rng.gauss(0, scores["noise_sd"])
        )
        if scenario["kind"] == ScenarioKind.COURSE_CHECK and person.language != "en":
            performance += scores["non_english_course_check_offset"]
        share = min(max(performance, 0.0), 100.0) / 100
        steps = scenario["key_steps"]
        steps_done = max(0, min(len(steps), round(share * len(steps))))
        missed = set(rng.sample(range(len(steps)), len(steps) - steps_done))
        level = 4 if performance >= 88 else 3 if performance >= 72 else 2 if performance >= 55 else 1
        rule = scenario["scoring_rule"]
        if rule == ScoringRule.PERCENT:
            score = score_from_result(
                rule=rule, raw=round(share * scenario["questions"]), maximum=scenario["questions"]
            )
        elif rule == ScoringRule.KEY_STEPS:
            score = score_from_result(rule=rule, steps_completed=steps_done, steps_total=len(steps))
        else:
            score = score_from_result(rule=rule, level=level)
        if rule != ScoringRule.RUBRIC:
            level = 4 if score >= 90 else 3 if score >= 75 else 2 if score >= 55 else 1
        error_count = 0 if performance >= 90 else 1 if performance >= 78 else 2 if performance >= 65 else 3
        errors = rng.sample(scenario["common_errors"], min(error_count, len(scenario["common_errors"])))
        timings = None
        if scenario["kind"] == ScenarioKind.DRILL:
            timings = self._drill_timings(person, scenario, performance, rng)
        observed = scenario["kind"] != ScenarioKind.COURSE_CHECK
        return AttemptPlan(
            scenario=scenario["key"],
            role=stint.role,
            at=at,
            score=score,
            level=level,
            reviewer=stint.coach if observed else None,
            key_steps=[step for index, step in enumerate(steps) if index not in missed],
            errors=errors,
            timings=timings,
            evidence_source="reviewer" if scenario["kind"] == ScenarioKind.DRILL else "import",
        )

    def _drill_timings(self, person, scenario, performance, rng) -> tuple[int, int, int]:
        drills = self.history["drills"]
        typical = scenario["timings_seconds"]
        factor = math.exp(-(performance - 80) / 40)
        if person.shift == "night":
            factor *= drills["night_shift_factor"]

        def spell(seconds: float) -> int:
            return max(30, round(seconds * factor * math.exp(rng.gauss(0, drills["timing_sd"]))))

        detect = spell(typical["detect"])
        mitigate = detect + spell(typical["mitigate"] - typical["detect"])
        restore = mitigate + spell(typical["restore"] - typical["mitigate"])
        return detect, mitigate, restore

    def _plan_decision(self, person, stint, last, rng, plan, by_key) -> None:
        signoffs = self.history["signoffs"]
        if stint.coach is None:
            return
        ready = all(a.score >= Decimal(str(self.scenarios[a.scenario]["pass_mark"])) for a in last.values())
        last_day = max(attempt.at for attempt in last.values()).date()
        coach = by_key[stint.coach]
        day = last_day + datetime.timedelta(days=rng.randint(*signoffs["lag_days"]))
        at = at_hour(day, self.shift_hour[coach.shift] + rng.randint(1, 6), rng.randint(0, 59))
        share = 1.0 if person.is_coach else signoffs["share_signed"] if ready else signoffs["share_not_yet"]
        if at >= self.cutoff or day >= stint.ends or rng.random() >= share:
            plan.ready_unsigned = plan.ready_unsigned or ready
            return
        notes = rng.choice(signoffs["reflection_ready"] if ready else signoffs["reflection_not_yet"])
        plan.signoffs.append(
            SignOffPlan(
                coach=stint.coach,
                role=stint.role,
                at=at,
                decision=SignOffDecision.READY if ready else SignOffDecision.NOT_YET,
                notes=notes,
                evidence=list(last.values()),
            )
        )

    def _leave_demo_coach_queue(self, people, plans) -> None:
        """The demo coach always has a few ready learners waiting for their sign-off."""
        signoffs = self.history["signoffs"]
        coachees = [person for person in people if person.coach == signoffs["demo_coach"] and not person.moves]
        signed = [
            (plans[person.key].signoffs[-1].at, person.key)
            for person in coachees
            if plans[person.key].signoffs and plans[person.key].signoffs[-1].decision == SignOffDecision.READY
        ]
        waiting = sum(plans[person.key].ready_unsigned for person in coachees)
        for _, key in sorted(signed, reverse=True)[: max(0, signoffs["demo_coach_waiting"] - waiting)]:
            plans[key].signoffs.pop()
            plans[key].ready_unsigned = True

    def _plan_revocations(self, people, plans) -> None:
        rng = random.Random(f"{self.history['seed']}:revocations")
        demo_coach = self.history["signoffs"]["demo_coach"]
        candidates = [
            plans[person.key].signoffs[-1]
            for person in people
            if not person.named
            and person.coach != demo_coach
            and plans[person.key].signoffs
            and plans[person.key].signoffs[-1].decision == SignOffDecision.READY
        ]
        for revocation in self.history["revocations"]:
            while candidates:
                signoff = candidates.pop(rng.randrange(len(candidates)))
                revoked_at = signoff.at + datetime.timedelta(days=revocation["days_after_signoff"])
                if revoked_at < self.cutoff:
                    signoff.revoked_at, signoff.revoke_reason = revoked_at, revocation["reason"]
                    break
