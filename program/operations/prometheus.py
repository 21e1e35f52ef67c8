"""Reading service levels from Prometheus' HTTP API (`/api/v1/query_range`), page by page.

The pure parts decide the pages: a range is aligned to multiples of the step (as Grafana, Thanos and Mimir do,
so every pull asks for the same instants and a re-read replaces exactly what it read before) and split so no
query asks for more than `MAX_POINTS_PER_QUERY` points per series (Prometheus refuses (end − start) / step
above 11,000). Values arrive as strings; "NaN", "+Inf" and "-Inf" are gaps, never zeros.
"""

import math
import string
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import orjson

MAX_POINTS_PER_QUERY = 11_000
# Longer queries go in a form-encoded POST body: URLs have length limits in proxies.
MAX_GET_QUERY_LENGTH = 1_500
# A rate over less than a few scrapes is noise; `$window` never goes below this.
MIN_RATE_WINDOW_SECONDS = 300


class PrometheusError(Exception):
    """The server refused or failed a query (the message says which page and why)."""


@dataclass(frozen=True)
class Page:
    """One query_range call: both ends are multiples of the step and included."""

    start: int
    end: int
    step: int

    @property
    def points(self) -> int:
        return (self.end - self.start) // self.step + 1


@dataclass(frozen=True)
class Series:
    """One result series of a page: its labels and its finite points; `gaps` counts NaN/±Inf values."""

    labels: dict[str, str]
    points: list[tuple[int, float]]
    gaps: int


def align_range(start: float, end: float, step: int) -> tuple[int, int]:
    """Both ends down to a multiple of the step: the same instants on every pull, and only completed steps."""
    if step <= 0:
        raise ValueError("The step must be positive.")
    return int(start // step * step), int(end // step * step)


def split_range(start: int, end: int, step: int, max_points: int = MAX_POINTS_PER_QUERY) -> list[Page]:
    """Aligned pages covering [start, end], each with at most `max_points` points per series, none overlapping."""
    start, end = align_range(start, end, step)
    if end < start:
        return []
    pages = []
    span = (max_points - 1) * step
    page_start = start
    while page_start <= end:
        page_end = min(page_start + span, end)
        pages.append(Page(page_start, page_end, step))
        page_start = page_end + step
    return pages


def rate_window(step: int) -> str:
    """The `$window` of a query: the step (so a sample covers its whole step), at least five minutes."""
    return f"{max(step, MIN_RATE_WINDOW_SECONDS)}s"


def render_query(query: str, step: int) -> str:
    """Substitute `$window` (left alone: any other `$` text the query may hold)."""
    return string.Template(query).safe_substitute(window=rate_window(step))


def parse_value(text: str) -> float | None:
    """A sample value as Prometheus sends it; None for NaN and ±Inf (a gap)."""
    value = float(text)
    return value if math.isfinite(value) else None


def parse_matrix(body: bytes) -> list[Series]:
    """The series of a query_range answer, finite points only (a refused query raises PrometheusError)."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise PrometheusError(f"not JSON: {body[:200]!r}") from error
    if answer.get("status") != "success":
        raise PrometheusError(f"{answer.get('errorType', 'error')}: {answer.get('error', answer)}")
    data = answer.get("data") or {}
    if data.get("resultType") != "matrix":
        raise PrometheusError(f"expected a matrix (a range query), got {data.get('resultType')!r}")
    series = []
    for result in data.get("result", []):
        points, gaps = [], 0
        for timestamp, text in result.get("values", []):
            value = parse_value(text)
            if value is None:
                gaps += 1
            else:
                points.append((int(timestamp), value))
        series.append(Series(result.get("metric", {}), points, gaps))
    return series


class PrometheusClient:
    """A thin, synchronous client of one server (keep-alive connection, optional basic or bearer auth)."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str = "",
        secret: str = "",
        bearer: bool = False,
        timeout: float = 30.0,
    ):
        headers = {"Accept": "application/json"}
        auth = None
        if bearer and secret:
            headers["Authorization"] = f"Bearer {secret}"
        elif username:
            auth = httpx.BasicAuth(username, secret)
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, auth=auth, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "PrometheusClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch_page(self, query: str, page: Page) -> bytes:
        """The raw body of one query_range call (GET, or POST for a long query)."""
        params = {"query": query, "start": str(page.start), "end": str(page.end), "step": str(page.step)}
        try:
            if len(query) > MAX_GET_QUERY_LENGTH:
                response = self.http.post("/api/v1/query_range", data=params)
            else:
                response = self.http.get("/api/v1/query_range", params=params)
        except httpx.HTTPError as error:
            raise PrometheusError(f"{page.start}–{page.end}: {type(error).__name__}: {error}") from error
        if response.status_code != 200:
            # Prometheus explains a refused query in the JSON body (400/422); anything else is shown as is.
            try:
                detail = orjson.loads(response.content).get("error", "")
            except (orjson.JSONDecodeError, AttributeError):
                detail = response.text[:200]
            raise PrometheusError(f"{page.start}–{page.end}: HTTP {response.status_code} {detail}".strip())
        return response.content

    def query_range(self, query: str, pages: list[Page]) -> Iterator[tuple[Page, list[Series]]]:
        """Each page's series, in order."""
        for page in pages:
            yield page, parse_matrix(self.fetch_page(query, page))
