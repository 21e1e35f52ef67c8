"""Renderers: JSON through orjson, and CSV as a negotiable format, so `Accept: text/csv` reaches the export
views (and their errors render)."""

import io

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils import encoders

from program.csv_cells import csv_writer
from program.validators import storable_text


class CsvRenderer(BaseRenderer):
    """Renders error bodies as `field,message` rows; the exports themselves stream their own rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(["field", "message"])
        for field, messages in (data or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                writer.writerow([storable_text(str(field)), storable_text(str(message))])
        return buffer.getvalue().encode(self.charset)


# DRF keys errors of list items by their index (an int): orjson refuses such keys unless told.
RENDER_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class FastJsonRenderer(JSONRenderer):
    """DRF's JSON, encoded by orjson: the same bytes for what serializers return, in a fraction of the time.

    Whatever orjson does not encode itself (Decimal, lazy strings, and datetimes, passed through so they keep
    DRF's format) goes to DRF's own encoder; a client asking for `indent` gets DRF's renderer as before.
    """

    _drf_encoder = encoders.JSONEncoder()

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            return orjson.dumps(data, default=self._drf_encoder.default, option=RENDER_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError: a lone surrogate, or nesting beyond orjson's 254 levels
            return orjson.dumps(renderable(data), default=self._drf_encoder.default, option=RENDER_OPTIONS)


RENDER_MAX_DEPTH = 64


def renderable(data, depth: int = 0):
    """The data with text made encodable (lone surrogates become U+FFFD) and nesting cut at RENDER_MAX_DEPTH:
    what was stored is shown as near as JSON allows, rather than failing the whole answer. Error messages that
    quote the bad input (an invalid choice) go through here too."""
    if isinstance(data, str):
        return storable_text(data)
    if depth >= RENDER_MAX_DEPTH and isinstance(data, dict | list | tuple):
        return "[nested too deep to show]"
    if isinstance(data, dict):
        return {storable_text(str(key)): renderable(value, depth + 1) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [renderable(value, depth + 1) for value in data]
    return data
