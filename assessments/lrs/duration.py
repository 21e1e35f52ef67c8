"""ISO 8601 durations as xAPI uses them (Data 4.6), e.g. `PT14M30S`, to seconds."""

import functools
import re

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
# Years and months have no fixed length; xAPI durations rarely use them, so a conventional length is enough.
_SECONDS_PER_UNIT = {
    "years": 365 * 86400,
    "months": 30 * 86400,
    "weeks": 7 * 86400,
    "days": 86400,
    "hours": 3600,
    "minutes": 60,
    "seconds": 1,
}


def duration_seconds(value: str) -> float:
    """Seconds in an ISO 8601 duration, rounded to xAPI's 0.01 s; ValueError with the value when malformed."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as PT14M30S")
    return _seconds(value)


@functools.lru_cache(maxsize=4096)  # the same few durations recur across thousands of statements
def _seconds(value: str) -> float:
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as PT14M30S")
    total = sum(float(amount) * _SECONDS_PER_UNIT[unit] for unit, amount in match.groupdict().items() if amount)
    return round(total, 2)
