"""An xAPI 1.0.3 client for GET /statements: paging by `more`, retries with backoff, the consistency header.

It never parses `more`: it resolves it against the LRS origin (Data 2.5) and follows it until it is empty.
"""

import datetime
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
import orjson

XAPI_VERSION = "1.0.3"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class LRSError(RuntimeError):
    """The LRS could not be read, after retries; the message says what it answered."""


class MalformedPage(ValueError):
    """A 200 whose body is not a StatementResult (cut short, garbled): retried like a transport error."""


class DeadlineExceeded(RuntimeError):
    """A request (connection, headers and whole body) took longer than its total deadline."""


@dataclass
class StatementPage:
    statements: list
    more: str
    consistent_through: datetime.datetime | None
    url: str


class LRSClient:
    """Reads statements from one LRS; a 429, a 5xx, a timeout, a dropped connection or a malformed page is retried
    with backoff. `timeout` is each request's total deadline, body included."""

    def __init__(
        self,
        *,
        endpoint: str,
        key: str,
        secret: str,
        timeout: float = 30.0,
        max_attempts: int = 6,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
    ):
        self.statements_url = urljoin(endpoint if endpoint.endswith("/") else endpoint + "/", "statements")
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.retries = 0
        self.deadline_seconds = timeout
        self._http = httpx.Client(
            auth=(key, secret),
            timeout=timeout,
            headers={"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def first_page(self, *, since: datetime.datetime | None, limit: int) -> StatementPage:
        """The first page of statements stored after `since` (exclusive), oldest first."""
        params = {"ascending": "true", "limit": str(limit)}
        if since is not None:
            # Always with a time zone; httpx URL-encodes `+` as %2B.
            params["since"] = since.astimezone(datetime.UTC).isoformat()
        return self._get(self.statements_url, params)

    def next_page(self, page: StatementPage) -> StatementPage | None:
        """The page `more` points to, None when it is empty (the end)."""
        if not page.more:
            return None
        return self._get(urljoin(self.statements_url, page.more), None)

    def _get(self, url: str, params: dict | None) -> StatementPage:
        last_problem = ""
        for attempt in range(1, self.max_attempts + 1):
            retry_after = None
            try:
                response, body = self._fetch(url, params)
            except (httpx.TimeoutException, httpx.TransportError, DeadlineExceeded) as error:
                last_problem = f"{type(error).__name__}: {error}"
            else:
                if response.status_code == 200:
                    try:
                        return self._page(response, body)
                    except MalformedPage as error:
                        # A page cut short or garbled on the way (a proxy, a dropped connection behind it) is read
                        # again like a transport error: the same request answers the same statements.
                        last_problem = str(error)
                else:
                    text = body[:300].decode(errors="replace")
                    if response.status_code not in RETRY_STATUSES:
                        raise LRSError(f"GET {response.url} answered {response.status_code}: {text}")
                    last_problem = f"HTTP {response.status_code}: {text[:200]}"
                    retry_after = _retry_after_seconds(response)
            if attempt == self.max_attempts:
                break
            self.retries += 1
            delay = min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds)
            time.sleep(retry_after if retry_after is not None else delay * (0.5 + random.random() / 2))
        raise LRSError(f"GET {url} failed after {self.max_attempts} attempts; last: {last_problem}")

    def _fetch(self, url: str, params: dict | None) -> tuple[httpx.Response, bytes]:
        """One request and its whole body within the total deadline. httpx's timeouts bound each read, not the
        request: an LRS sending a byte now and then would keep a page coming for ever, so the body is read in
        chunks against a clock (a chunk that never comes is still bounded by the read timeout)."""
        deadline = time.monotonic() + self.deadline_seconds
        chunks = []
        with self._http.stream("GET", url, params=params) as response:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise DeadlineExceeded(f"the page did not arrive within {self.deadline_seconds:g} s")
        return response, b"".join(chunks)

    def _page(self, response: httpx.Response, body: bytes) -> StatementPage:
        try:
            parsed = orjson.loads(body)
            statements, more = parsed["statements"], parsed.get("more") or ""
        except (orjson.JSONDecodeError, KeyError, TypeError) as error:
            raise MalformedPage(f"GET {response.url} did not return a StatementResult: {error}") from None
        if not isinstance(statements, list) or not isinstance(more, str):
            raise MalformedPage(f"GET {response.url} did not return a StatementResult")
        return StatementPage(
            statements=statements,
            more=more,
            consistent_through=_consistent_through(response),
            url=str(response.url),
        )


@contextmanager
def pages_read_ahead(
    client: LRSClient, first_page: Callable[[], StatementPage], *, depth: int
) -> Iterator[Callable[[], StatementPage | None]]:
    """Read the pages in a thread of their own, back to back, up to `depth` pages ahead of the caller; yields a
    function returning the next page in order, None after the last (an empty page or an empty `more`).

    Pages follow each other by `more`, so reading them is one chain of requests: the sync costs about as much as
    reading alone only if that chain never waits for the pages to be stored. A read that failed (after the
    client's retries) raises in the caller once the pages before it are taken, so those are still stored.
    """
    pages: queue.Queue = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def put(item) -> None:
        while not stopped.is_set():
            try:
                pages.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read() -> None:
        try:
            page = first_page()
            while page is not None and not stopped.is_set():
                put(page)
                page = client.next_page(page) if page.statements else None
            put(None)
        except Exception as error:  # handed to the caller, in order
            put(error)

    def next_page() -> StatementPage | None:
        item = pages.get()
        if isinstance(item, Exception):
            raise item
        return item

    reader = threading.Thread(target=read, name="lrs-read", daemon=True)
    reader.start()
    try:
        yield next_page
    finally:
        stopped.set()  # the caller stopped (done or failed): the reader ends after its request in flight
        reader.join()


def _consistent_through(response: httpx.Response) -> datetime.datetime | None:
    value = response.headers.get("X-Experience-API-Consistent-Through")
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(float(value), 120.0)
    except ValueError:
        return None
