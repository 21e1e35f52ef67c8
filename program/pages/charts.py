"""Charts: Vega-Lite specs built in Python, rendered on the server with vl-convert (no CDN, no network, no
JavaScript), to SVG for the pages and PNG for email. Each chart carries its own text alternative: a one-line
description (the SVG's ARIA label) and the table of the numbers it draws.

Rendering costs tens of milliseconds, so rendered charts are cached by the hash of their spec: the same data
gives the same spec, and vl-convert gives byte-identical output for it.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

CACHE_SECONDS = 24 * 3600
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier only: nothing is fetched
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
# Colour-blind-safe (Okabe–Ito); every colour also has a word or a shape beside it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


@dataclass(frozen=True)
class Chart:
    """A chart and its text alternative: a title, a sentence saying what it shows, and its numbers as a table."""

    key: str
    title: str
    description: str
    spec: dict
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)

    @property
    def svg(self) -> SafeString:
        return mark_safe(render_svg(self.full_spec))  # noqa: S308 — vl-convert escapes every text it draws

    def png(self, *, scale: float = 2) -> bytes:
        return render_png(self.full_spec, scale=scale)

    @property
    def full_spec(self) -> dict:
        return {
            "$schema": SCHEMA,
            "description": self.description,
            "config": {
                "font": FONT,
                "background": "white",
                "view": {"stroke": None},
                "axis": {"labelFontSize": 11, "titleFontSize": 11},
                "legend": {"labelFontSize": 11, "titleFontSize": 11},
                "range": {"category": PALETTE},
            },
            **self.spec,
        }


def _cache_key(kind: str, spec: dict, extra: str = "") -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"pages:chart:{kind}:{extra}:{digest}"


def render_svg(spec: dict) -> str:
    """The spec drawn as SVG (with ARIA labels), from the cache when it was drawn before."""
    key = _cache_key("svg", spec)
    svg = cache.get(key)
    if svg is None:
        import vl_convert  # imported on first use: it loads a JavaScript engine

        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def render_png(spec: dict, *, scale: float = 2) -> bytes:
    """The spec drawn as PNG for email (mail clients do not show SVG), cached like the SVG."""
    key = _cache_key("png", spec, str(scale))
    png = cache.get(key)
    if png is None:
        import vl_convert

        png = vl_convert.vegalite_to_png(spec, scale=scale)
        cache.set(key, png, CACHE_SECONDS)
    return png
