"""manage.py impact_analysis: the difference in differences of a metric between trained and holdout services.

    manage.py impact_analysis --metric latency_p95_ms --trained cart,checkout-web \
        --holdout pricing-and-tax,fraud-screening,order-confirmation --change-date 2026-09-14 --window 14 --gap 28
    manage.py impact_analysis --metric mttr_minutes ...   # windows of 60 days unless --window says otherwise
    manage.py impact_analysis --demo      # every trained cohort of seeds/data/operations.toml, every metric

See docs/equity.md for the method and how to read the output.
"""

import datetime
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from equity.impact import _number
from equity.selectors import MTTR, impact_analysis
from program.models import Service

LOWER_IS_BETTER = {"availability": False, "latency_p95_ms": True, "payment_error_rate": True, MTTR: True}
DEMO_FILE = Path(settings.BASE_DIR) / "seeds" / "data" / "operations.toml"


class Command(BaseCommand):
    help = "Difference in differences of a service level between trained and holdout services (docs/equity.md)."

    def add_arguments(self, parser):
        parser.add_argument("--metric", choices=sorted(LOWER_IS_BETTER), default="latency_p95_ms")
        parser.add_argument("--trained", default="", help="Slugs of the trained services, comma-separated.")
        parser.add_argument("--holdout", default="", help="Slugs of the holdout services, comma-separated.")
        parser.add_argument("--change-date", type=datetime.date.fromisoformat)
        parser.add_argument(
            "--window",
            type=int,
            help="Days in each of the pre and post windows (default: 14, MTTR 60, cut short at today).",
        )
        parser.add_argument("--gap", type=int, default=28, help="Days left out after the change (the training).")
        parser.add_argument("--by-region", action="store_true", help="One unit per service and region.")
        parser.add_argument("--randomised", action="store_true", help="The holdout was drawn at random.")
        parser.add_argument("--demo", action="store_true", help="Every cohort of seeds/data/operations.toml.")

    def handle(self, *args, **options):
        if options["demo"]:
            for cohort in demo_cohorts(timezone.localdate()):
                for metric in LOWER_IS_BETTER:
                    self.report({**options, **cohort, "metric": metric, "by_region": True})
            return
        if not (options["trained"] and options["holdout"] and options["change_date"]):
            raise CommandError("Give --trained, --holdout and --change-date (or --demo).")
        self.report(options)

    def report(self, options):
        slugs = {arm: [s for s in options[arm].split(",") if s] for arm in ("trained", "holdout")}
        ids = dict(Service.objects.filter(slug__in=slugs["trained"] + slugs["holdout"]).values_list("slug", "pk"))
        unknown = sorted(set(slugs["trained"] + slugs["holdout"]) - set(ids))
        if unknown:
            raise CommandError(f"Unknown services: {', '.join(unknown)}")
        change, metric = options["change_date"], options["metric"]
        result, design = impact_analysis(
            metric=metric,
            trained_service_ids=[ids[s] for s in slugs["trained"]],
            holdout_service_ids=[ids[s] for s in slugs["holdout"]],
            change_date=change,
            gap_days=options["gap"],
            lower_is_better=LOWER_IS_BETTER[metric],
            window_days=options["window"],
            by_region=options["by_region"],
            randomised=options["randomised"],
        )
        self.stdout.write(
            f"== {metric}: {', '.join(slugs['trained'])} trained on {change} vs {', '.join(slugs['holdout'])}"
            f" ({design.window_days}-day windows, {design.gap_days}-day gap)"
        )
        self.stdout.write(f"   {result.wording}")
        for unit, change_value in sorted({**result.main.treated_changes, **result.main.control_changes}.items()):
            self.stdout.write(f"   {unit}: {change_value:+.4g}")
        if result.placebo:
            placebo = result.placebo
            self.stdout.write(
                f"   placebo at {design.placebo_date()}: {placebo.estimate:+.4g}, 95% interval "
                f"{_number(placebo.low)} to {_number(placebo.high)}, p = "
                + ("–" if placebo.p_value is None else f"{placebo.p_value:.3g}")
            )
        if result.dose_response:
            dose = result.dose_response
            self.stdout.write(
                f"   dose–response: {dose.slope:+.4g} per share signed off ({dose.low:+.4g} to {dose.high:+.4g})"
            )
        self.stdout.write(
            f"   {result.excluded_days} event days left out; units without data: {result.dropped_units or 'none'}"
        )


def demo_cohorts(today: datetime.date) -> list[dict]:
    """One analysis per training date of the demo's trained services, against its holdout services."""
    if not DEMO_FILE.exists():
        raise CommandError(f"{DEMO_FILE} is missing (it comes with the operations demo).")
    data = tomllib.loads(DEMO_FILE.read_text())
    holdout = [s["slug"] for s in data["services"] if s.get("group") == "holdout"]
    dates: dict[int, list[str]] = {}
    for service in data["services"]:
        if service.get("group") == "trained":
            dates.setdefault(service["trained_days_ago"], []).append(service["slug"])
    gap = int(data["shape"]["ramp_days"])
    return [
        {
            "trained": ",".join(slugs),
            "holdout": ",".join(holdout),
            "change_date": today - datetime.timedelta(days=days_ago),
            "gap": gap,
        }
        for days_ago, slugs in sorted(dates.items(), reverse=True)
    ]
