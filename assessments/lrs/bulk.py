"""Fast bulk inserts: PostgreSQL COPY (the batch streams in one round trip, values adapted in C), and Django's
bulk_create on other databases. bulk_create binds every value through Python and was 10× too slow for an import
of a million statements."""

import json

import psycopg
from django.db import connection, models
from django.utils import timezone


def rows_insert(model: type[models.Model], rows: list[dict], *, conflict_column: str | None = None) -> None:
    """Insert rows given as {field name: value}; with `conflict_column`, rows whose value there already exists
    are skipped (ON CONFLICT DO NOTHING), as bulk_create's ignore_conflicts does."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    now = timezone.now()
    auto_now = [field for field in model._meta.concrete_fields if getattr(field, "auto_now_add", False)]
    if connection.vendor != "postgresql":
        objects = [model(**row, **{field.name: now for field in auto_now}) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000, ignore_conflicts=conflict_column is not None)
        return
    json_fields = {field.name for field in fields if field.get_internal_type() == "JSONField"}
    columns = [field.column for field in fields] + [field.column for field in auto_now]
    column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        target = table
        if conflict_column:
            # COPY cannot skip conflicts: copy into a temporary table, then insert what is new from it.
            target = f"_bulk_{table}"
            cursor.execute(
                f"CREATE TEMP TABLE {target} ON COMMIT DROP AS SELECT {column_list} FROM {table} WITH NO DATA"
            )
        with cursor.cursor.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(value) if name in json_fields else value for name, value in row.items()]
                    + [now] * len(auto_now)
                )
        if conflict_column:
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {target} "
                f"ON CONFLICT ({connection.ops.quote_name(conflict_column)}) DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {target}")


def values_present(model: type[models.Model], field_name: str, values: list) -> set:
    """Which of `values` the column holds. On PostgreSQL the list goes as ONE bound array parameter: Django's
    client-side binding would quote each of thousands of ids in Python."""
    if not values:
        return set()
    if connection.vendor != "postgresql":
        return set(model.objects.filter(**{f"{field_name}__in": values}).values_list(field_name, flat=True))
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE {column} = ANY(%s)", [list(values)])
        return {value for (value,) in cursor}
