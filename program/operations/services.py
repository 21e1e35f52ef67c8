"""Writes of service levels: samples from the three ways in, each idempotent (re-reading replaces, never
doubles), each keeping what it refuses with its reason; and Prometheus sources (secret encrypted)."""

import csv
import datetime
import io
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from program.crypto import secret_decrypt, secret_encrypt
from program.models import Region, Service

from .choices import Metric, PullStatus, SampleOrigin, SourceAuth
from .models import MetricSample, PrometheusSource, RejectedMetricSample
from .prometheus import Page, PrometheusClient, PrometheusError, render_query, split_range
from .samples import SampleRefused, SampleRow, check_sample

logger = logging.getLogger(__name__)

CSV_COLUMNS = ("time", "service", "region", "metric", "value")
# A file or a push bigger than this is refused whole (split it): one import is one transaction.
MAX_BATCH_ROWS = 500_000
MAX_RAW_LENGTH = 1000
INSERT_BATCH = 5000
DELETE_CHUNK = 500


@dataclass
class ImportResult:
    """What an import did: rows stored, or the refusals (line → reason) when it stored nothing."""

    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _lookups() -> tuple[dict[str, int], dict[str, int]]:
    return dict(Service.objects.values_list("slug", "id")), dict(Region.objects.values_list("code", "id"))


def samples_store(rows: list[SampleRow], *, origin: str, source: PrometheusSource | None = None) -> int:
    """Store checked samples, replacing any stored at the same (service, region, metric, time)."""
    by_series: dict[tuple, list[datetime.datetime]] = defaultdict(list)
    for row in rows:
        by_series[(row.service_id, row.region_id, row.metric)].append(row.at)
    with transaction.atomic():
        for (service_id, region_id, metric), times in by_series.items():
            series = MetricSample.objects.filter(service_id=service_id, metric=metric)
            series = series.filter(region_id=region_id) if region_id else series.filter(region__isnull=True)
            times.sort()
            for start in range(0, len(times), DELETE_CHUNK):
                chunk = times[start : start + DELETE_CHUNK]
                # The range bounds the index scan; `in` picks the exact instants inside it.
                series.filter(at__gte=chunk[0], at__lte=chunk[-1], at__in=chunk).delete()
        _insert(rows, origin=origin, source=source)
    return len(rows)


def _insert(rows: Iterable[SampleRow], *, origin: str, source: PrometheusSource | None) -> None:
    source_id = source.pk if source else None
    objects = (
        MetricSample(
            service_id=row.service_id,
            region_id=row.region_id,
            metric=row.metric,
            at=row.at,
            step_seconds=row.step_seconds,
            value=row.value,
            origin=origin,
            source_id=source_id,
        )
        for row in rows
    )
    while batch := list(itertools.islice(objects, INSERT_BATCH)):
        MetricSample.objects.bulk_create(batch, batch_size=INSERT_BATCH)


def _keep_rejections(rejections: list[tuple[int | None, str, str]], *, origin: str, batch: str, source=None) -> None:
    RejectedMetricSample.objects.bulk_create(
        [
            RejectedMetricSample(
                origin=origin, source=source, batch=batch[:200], line=line, raw=raw[:MAX_RAW_LENGTH], reason=reason
            )
            for line, raw, reason in rejections
        ],
        batch_size=1000,
    )


def samples_import(
    *,
    records: Iterable[tuple[int, dict, str, str | None]],
    origin: str,
    batch: str,
    now: datetime.datetime | None = None,
) -> ImportResult:
    """Import a batch of raw samples all or nothing: (line, fields, raw text, problem found while reading) each.

    Every record is checked first. If any is refused, nothing is stored, every refusal is kept (line and
    reason) and returned; otherwise all are stored, replacing what was stored at the same keys, so importing
    the same batch again changes nothing. A sample repeated within the batch is refused (which one is meant?).
    """
    now = now or timezone.now()
    services, regions = _lookups()
    checked: list[SampleRow] = []
    rejections: list[tuple[int | None, str, str]] = []
    first_line_of: dict[tuple, int] = {}
    for count, (line, fields, raw, problem) in enumerate(records, start=1):
        if count > MAX_BATCH_ROWS:
            rejections.append((line, raw, f"more than {MAX_BATCH_ROWS} samples in one batch: split it"))
            break
        if problem:
            rejections.append((line, raw, problem))
            continue
        try:
            row = check_sample(fields, services=services, regions=regions, now=now)
        except SampleRefused as refusal:
            rejections.append((line, raw, str(refusal)))
            continue
        if row.key in first_line_of:
            rejections.append((line, raw, f"repeats the sample of line {first_line_of[row.key]}"))
            continue
        first_line_of[row.key] = line
        checked.append(row)
    if rejections:
        _keep_rejections(rejections, origin=origin, batch=batch)
        return ImportResult(0, [(line, reason) for line, _raw, reason in rejections])
    samples_store(checked, origin=origin)
    return ImportResult(len(checked), [])


def csv_records(text_stream: io.TextIOBase) -> Iterable[tuple[int, dict, str, str | None]]:
    """(line number, fields, raw line, problem) for each data line of a metrics CSV (the header is line 1)."""
    reader = csv.reader(text_stream)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        yield 1, {}, "", "the file is empty"
        return
    except (csv.Error, UnicodeDecodeError) as error:
        yield 1, {}, "", f"not a UTF-8 CSV file: {error}"
        return
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        expected = ",".join(CSV_COLUMNS)
        yield 1, {}, ",".join(header), f"header: missing column(s) {', '.join(missing)} (expected {expected})"
        return
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            yield reader.line_num + 1, {}, "", f"not a UTF-8 CSV line: {error}"
            return
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are layout, not samples
        raw = ",".join(cells)
        if len(cells) != len(header):
            yield reader.line_num, {}, raw, f"{len(cells)} cells where the header has {len(header)}"
            continue
        yield reader.line_num, dict(zip(header, cells, strict=True)), raw, None


def metrics_csv_import(*, text_stream: io.TextIOBase, batch: str, now: datetime.datetime | None = None) -> ImportResult:
    """Import a metrics CSV (time, service, region, metric, value[, step_seconds]): all lines or none.

    Refusals name their line number (the header is line 1) and are kept; the admin upload and
    `manage.py import_metrics` both call this.
    """
    return samples_import(records=csv_records(text_stream), origin=SampleOrigin.CSV, batch=batch, now=now)


# --- Prometheus ---------------------------------------------------------------------------------------------


def prometheus_source_set_secret(*, source: PrometheusSource, secret: str) -> PrometheusSource:
    """Store a source's password or token, encrypted (never shown back; empty clears it)."""
    source.secret_encrypted = secret_encrypt(secret) if secret else ""
    source.save(update_fields=["secret_encrypted"])
    return source


def prometheus_client_for(source: PrometheusSource) -> PrometheusClient:
    secret = secret_decrypt(source.secret_encrypted) if source.secret_encrypted else ""
    return PrometheusClient(
        source.base_url,
        username=source.username if source.auth == SourceAuth.BASIC else "",
        secret=secret if source.auth != SourceAuth.NONE else "",
        bearer=source.auth == SourceAuth.BEARER,
        timeout=source.timeout_seconds,
    )


@dataclass
class PullResult:
    """What one pull read and stored."""

    start: datetime.datetime
    end: datetime.datetime
    pages: int = 0
    series: int = 0
    samples: int = 0
    gaps: int = 0
    rejected: int = 0


def _as_datetime(seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def prometheus_pull_window(source: PrometheusSource, now: datetime.datetime) -> tuple[int, int]:
    """Where the next pull reads: from a little before where the last one ended (late data replaces), or the
    backfill on the first pull, to the last completed step."""
    if source.pulled_until:
        start = source.pulled_until - datetime.timedelta(seconds=source.reread_seconds)
    else:
        start = now - datetime.timedelta(days=source.backfill_days)
    return int(start.timestamp()), int(now.timestamp())


def _store_page(
    source: PrometheusSource,
    metric: str,
    page: Page,
    series_list,
    *,
    services: dict[str, int],
    regions: dict[str, int],
    result: PullResult,
) -> None:
    """Replace what this page covers: the series it returned, and whatever this source stored there before."""
    step = page.step
    # A value at t is the rate (or quantile) over the step ending at t: stored as the interval [t − step, t).
    first_at, last_at = _as_datetime(page.start - step), _as_datetime(page.end - step)
    rows: list[SampleRow] = []
    touched = Q(source=source)
    rejections = []
    scale = 1000.0 if metric == Metric.LATENCY_P95 else 1.0  # Prometheus speaks seconds; we keep ms
    for series in series_list:
        result.series += 1
        service_slug = series.labels.get(source.service_label, "")
        region_code = series.labels.get(source.region_label, "") if source.region_label else ""
        service_id = services.get(service_slug)
        region_id = regions.get(region_code) if region_code else None
        if service_id is None or (region_code and region_id is None):
            what = f"service {service_slug!r}" if service_id is None else f"region {region_code!r}"
            reason = f"{metric}: no {what} in the portal (label {series.labels}); {len(series.points)} points kept out"
            rejections.append((None, str(series.labels), reason))
            continue
        result.gaps += series.gaps
        refused = 0
        for timestamp, value in series.points:
            value *= scale
            if metric != Metric.LATENCY_P95 and not 0 <= value <= 1:
                refused += 1
                continue
            rows.append(SampleRow(service_id, region_id, metric, _as_datetime(timestamp - step), step, value))
        if refused:
            reason = f"{metric}: {refused} values outside 0–1 kept out (is the query a ratio?)"
            rejections.append((None, str(series.labels), reason))
        series_filter = Q(service_id=service_id) & (Q(region_id=region_id) if region_id else Q(region__isnull=True))
        touched |= series_filter
    batch = f"{source.name} {metric} {page.start}–{page.end}"
    with transaction.atomic():
        MetricSample.objects.filter(metric=metric, at__gte=first_at, at__lte=last_at).filter(touched).delete()
        _insert(rows, origin=SampleOrigin.PROMETHEUS, source=source)
        if rejections:
            _keep_rejections(rejections, origin=SampleOrigin.PROMETHEUS, batch=batch, source=source)
    result.samples += len(rows)
    result.rejected += len(rejections)


def prometheus_source_pull(
    *,
    source: PrometheusSource,
    now: datetime.datetime | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    max_points: int | None = None,
) -> PullResult:
    """Pull every metric of a source over a window (by default: resume where the last pull ended).

    Pages are aligned to the step and split under Prometheus' points limit; each page replaces what it covers,
    so a pull repeated over the same window stores the same rows. NaN and ±Inf are gaps (no row). The source
    records when it last pulled, up to when, and how it went (a failure is kept there, then raised).
    """
    now = now or timezone.now()
    default_start, default_end = prometheus_pull_window(source, now)
    start_seconds = int(start.timestamp()) if start else default_start
    end_seconds = int(end.timestamp()) if end else default_end
    step = source.step_seconds
    pages = split_range(start_seconds, end_seconds, step, **({"max_points": max_points} if max_points else {}))
    result = PullResult(_as_datetime(pages[0].start if pages else start_seconds), _as_datetime(end_seconds))
    services, regions = _lookups()
    try:
        with prometheus_client_for(source) as client:
            for metric in Metric.values:
                query = render_query(source.query_for(metric), step)
                for page, series_list in client.query_range(query, pages):
                    result.pages += 1
                    _store_page(source, metric, page, series_list, services=services, regions=regions, result=result)
    except PrometheusError as error:
        source.last_pull_at, source.last_pull_status = now, PullStatus.FAILED
        source.last_pull_message = f"{error}"[:2000]
        source.save(update_fields=["last_pull_at", "last_pull_status", "last_pull_message"])
        raise
    if pages:
        result.end = _as_datetime(pages[-1].end)
        if start is None and end is None or (source.pulled_until is None or result.end > source.pulled_until):
            source.pulled_until = result.end
    source.last_pull_at, source.last_pull_status = now, PullStatus.OK
    source.last_pull_message = (
        f"{result.pages} pages, {result.series} series, {result.samples} samples, {result.gaps} gaps, "
        f"{result.rejected} series refused"
    )
    source.save(update_fields=["pulled_until", "last_pull_at", "last_pull_status", "last_pull_message"])
    return result


def prometheus_sources_due(now: datetime.datetime | None = None) -> list[int]:
    """Ids of active sources whose interval has passed since their last pull."""
    now = now or timezone.now()
    due = []
    for source in PrometheusSource.objects.filter(active=True).only("id", "last_pull_at", "interval_minutes"):
        if (
            source.last_pull_at is None
            or source.last_pull_at + datetime.timedelta(minutes=source.interval_minutes) <= now
        ):
            due.append(source.pk)
    return due


def prometheus_source_validate(source: PrometheusSource) -> None:
    """The admin's check before saving: credentials make sense for the auth kind."""
    if source.auth == SourceAuth.BASIC and not source.username:
        raise ValidationError({"username": "Basic auth needs a user name."})
