"""Fast bulk inserts: PostgreSQL COPY (the batch streams in one round trip, values adapted in C), and Django's
bulk_create on other databases. bulk_create binds every value through Python and was 10× too slow for an import
of a million statements."""

import uuid

import orjson
import psycopg
from django.db import connection, models, transaction
from django.utils import timezone


def rows_insert(model: type[models.Model], rows: list[dict], *, conflict_column: str | None = None) -> int:
    """Insert rows given as {field name: value}; with `conflict_column`, rows whose value there already exists
    are skipped (ON CONFLICT DO NOTHING), as bulk_create's ignore_conflicts does. Returns how many were inserted
    (on SQLite, which serialises writers so another cannot store the same rows meanwhile: all of them)."""
    if not rows:
        return 0
    fields = [model._meta.get_field(name) for name in rows[0]]
    now = timezone.now()
    auto_now = [field for field in model._meta.concrete_fields if getattr(field, "auto_now_add", False)]
    if connection.vendor != "postgresql":
        objects = [model(**row, **{field.name: now for field in auto_now}) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000, ignore_conflicts=conflict_column is not None)
        return len(rows)
    json_fields = {field.name for field in fields if field.get_internal_type() == "JSONField"}
    columns = [field.column for field in fields] + [field.column for field in auto_now]
    column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = model._meta.db_table
    values = [
        [orjson.dumps(value).decode() if name in json_fields else value for name, value in row.items()]
        + [now] * len(auto_now)
        for row in rows
    ]
    if conflict_column:
        # Callers have already left out the values stored before their transaction, so a conflict means another
        # writer stored the same row meanwhile: rare. COPY straight into the table (rows written once) in a
        # savepoint, and only on a conflict copy into a temporary table and insert what is new from it.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _copy(cursor, table, column_list, values)
            return len(values)
        except psycopg.errors.UniqueViolation:
            pass
    with connection.cursor() as cursor:
        if not conflict_column:
            _copy(cursor, table, column_list, values)
            return len(values)
        target = f"_bulk_{table}"
        cursor.execute(f"CREATE TEMP TABLE {target} ON COMMIT DROP AS SELECT {column_list} FROM {table} WITH NO DATA")
        _copy(cursor, target, column_list, values)
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {target} "
            f"ON CONFLICT ({connection.ops.quote_name(conflict_column)}) DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {target}")
    return inserted


def _copy(cursor, table: str, column_list: str, values: list[list]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)


def values_present(model: type[models.Model], field_name: str, values: list) -> set:
    """Which of `values` the column holds. On PostgreSQL the list goes as ONE bound array parameter: Django's
    client-side binding would quote each of thousands of ids in Python.

    Each value is looked up on its own in the column's index (a correlated subquery, which PostgreSQL cannot turn
    into a join), whatever the statistics say: with no statistics yet (a table filled by a large import before
    autovacuum analyses it, or a server where it is off) `col = ANY(array)` was guessed to match a third of the
    table and scanned all of it every batch (0.35 s a batch at a million statements), and an EXISTS semi-join
    became a hash join over the whole attempts table."""
    if not values:
        return set()
    if connection.vendor != "postgresql":
        return set(model.objects.filter(**{f"{field_name}__in": values}).values_list(field_name, flat=True))
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    parameter, cast = [list(values)], ""
    if all(isinstance(value, uuid.UUID) for value in values):
        # psycopg adapts a list element by element in Python (half the cost of an import batch's lookups); a UUID's
        # text needs no quoting, so the array goes as one text literal that PostgreSQL parses in C.
        parameter, cast = ["{" + ",".join(map(str, values)) + "}"], "::uuid[]"
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"SELECT wanted.value FROM unnest(%s{cast}) AS wanted(value)"
            f" WHERE (SELECT true FROM {model._meta.db_table} WHERE {column} = wanted.value LIMIT 1)",
            parameter,
        )
        return {value for (value,) in cursor}


def commit_unflushed() -> None:
    """Let the current transaction commit without waiting for its WAL to reach the disk (PostgreSQL only).

    Safe for import batches and sync pages: PostgreSQL replays the WAL in order, so a crash can only lose the last
    few hundred milliseconds of commits, each whole (rows, counters and cursor together, never a part), and what
    is lost is read again by the next run (the cursor went back with it) or by importing the file again (stored
    ids are skipped). Nothing is stored twice, nothing is lost for good; the batch no longer waits for an fsync.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
