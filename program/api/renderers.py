"""CSV as a negotiable format, so `Accept: text/csv` reaches the export views (and their errors render)."""

import csv
import io

from rest_framework.renderers import BaseRenderer


class CsvRenderer(BaseRenderer):
    """Renders error bodies as `field,message` rows; the exports themselves stream their own rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["field", "message"])
        for field, messages in (data or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                writer.writerow([field, message])
        return buffer.getvalue().encode(self.charset)
