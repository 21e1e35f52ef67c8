"""Exit 0 when both the PostgreSQL and the Redis URL given answer, 1 otherwise (says which did not)."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis


def server_url(database_url: str) -> str:
    """The same server's maintenance database: the test database itself need not exist yet."""
    parts = urlsplit(database_url.replace("postgres://", "postgresql://", 1))
    return urlunsplit(parts._replace(path="/postgres"))


def main(postgres_url: str, redis_url: str) -> int:
    try:
        psycopg.connect(server_url(postgres_url), connect_timeout=3).close()
    except psycopg.Error as error:
        print(f"PostgreSQL not reachable at {postgres_url}: {error}".strip(), file=sys.stderr)
        return 1
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        print(f"Redis not reachable at {redis_url}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
