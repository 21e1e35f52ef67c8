"""Reads the demo org's data files (seeds/data/*.toml) and checks that every reference in them resolves."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("org", "skills", "standards", "content", "scenarios", "paths", "people", "history")


class DemoDataError(ValueError):
    """A data file is wrong: the message names the file, the entry and what is wrong with it."""


@dataclass(frozen=True)
class DemoData:
    """The parsed data files, one dict per file (see the comments at the top of each file)."""

    org: dict
    skills: dict
    standards: dict
    content: dict
    scenarios: dict
    paths: dict
    people: dict
    history: dict

    @classmethod
    def read(cls, data_dir: Path = DATA_DIR) -> "DemoData":
        parsed = {}
        for name in FILES:
            path = data_dir / f"{name}.toml"
            try:
                parsed[name] = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise DemoDataError(f"{path}: {error}") from error
        data = cls(**parsed)
        data.check_references()
        return data

    def check_references(self) -> None:
        """Fail early, naming the entry, when a file points at a key that no file defines."""
        teams = {team["slug"] for team in self.org["teams"]}
        regions = {region["code"] for region in self.org["regions"]}
        shifts = {shift["code"] for shift in self.org["shifts"]}
        services = {service["slug"] for service in self.org["services"]}
        skills = {skill["key"] for skill in self.skills["skills"]}
        roles = {role["key"] for role in self.standards["roles"]}
        criteria = set(self.standards["criteria"])
        items = {item["key"] for item in self.content["items"]}
        scenarios = {scenario["key"] for scenario in self.scenarios["scenarios"]}
        people = {person["key"] for person in self.people["named"]}

        def expect(value, known: set, where: str) -> None:
            if value not in known:
                raise DemoDataError(f"{where}: unknown {value!r}")

        for team in self.org["teams"]:
            if team.get("parent"):
                expect(team["parent"], teams, f"org.toml team {team['slug']} parent")
        for service in self.org["services"]:
            expect(service["team"], teams, f"org.toml service {service['slug']} team")
        for skill in self.skills["skills"]:
            if skill.get("parent"):
                expect(skill["parent"], skills, f"skills.toml skill {skill['key']} parent")
        for key, criterion in self.standards["criteria"].items():
            expect(criterion["skill"], skills, f"standards.toml criterion {key} skill")
            if sorted(level["level"] for level in criterion["levels"]) != [1, 2, 3, 4]:
                raise DemoDataError(f"standards.toml criterion {key}: needs exactly one descriptor per level 1–4")
        for standard in self.standards["standards"]:
            expect(standard["role"], roles, "standards.toml standard role")
            for version in standard["versions"]:
                for line in version["criteria"]:
                    where = f"standards.toml standard {standard['role']} criterion"
                    expect(line["key"], criteria, where)
                    for scenario in line["required_scenarios"]:
                        expect(scenario, scenarios, f"{where} {line['key']} required scenario")
        for item in self.content["items"]:
            expect(item["owner"], people, f"content.toml item {item['key']} owner")
            for skill in item["skills"]:
                expect(skill, skills, f"content.toml item {item['key']} skill")
        for scenario in self.scenarios["scenarios"]:
            where = f"scenarios.toml scenario {scenario['key']}"
            expect(scenario["standard"], roles, f"{where} standard")
            expect(scenario["content_item"], items, f"{where} content item")
            for skill in scenario["skills"]:
                expect(skill, skills, f"{where} skill")
        for path in self.paths["paths"]:
            expect(path["role"], roles, "paths.toml path role")
            for step in path["steps"]:
                expect(step["content"], items, f"paths.toml path {path['role']} step")
        for gate in self.paths["gates"]:
            expect(gate["standard"], roles, f"paths.toml gate {gate['kind']} standard")
            if gate.get("service"):
                expect(gate["service"], services, f"paths.toml gate {gate['kind']} service")
        for person in self.people["named"]:
            where = f"people.toml person {person['key']}"
            expect(person["team"], teams, f"{where} team")
            expect(person["role"], roles, f"{where} role")
            expect(person["region"], regions, f"{where} region")
            expect(person["shift"], shifts, f"{where} shift")
            expect(person["coach"], people - {person["key"]}, f"{where} coach (someone else)")
        for account in self.people["logins"]["accounts"]:
            if account.get("person"):
                expect(account["person"], people, f"people.toml login {account['username']} person")
        for team in self.people["generation"]["teams"]:
            expect(team["team"], teams, "people.toml generation team")
            for role in team["roles"]:
                expect(role, roles, f"people.toml generation team {team['team']} role")
        for ticket in self.history["refresh_tickets"]:
            expect(ticket["item"], items, "history.toml refresh ticket item")
