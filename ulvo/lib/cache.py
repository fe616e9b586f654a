"""Django's Redis cache, kept cheap per call and answering when Redis is down.

- **One Redis client per connection pool.** Django's ``RedisCacheClient.get_client``
  builds a new ``redis.Redis`` for every cache call, and each one fills its table of
  ~170 response callbacks: about a tenth of a millisecond per call, on every page
  (the navigation is read from the cache). A ``redis.Redis`` is safe to share between
  threads (connections come from its pool), so one per pool is kept instead.
- **A Redis outage is a cache miss, not an error page.** Everything kept in the cache
  can be computed again (navigation, supervisor's homes, dashboard figures) or is a
  guard that fails open for the outage (allauth's rate limits and its record of used
  TOTP codes; ``add`` reports success so logging in keeps working). Nothing that must
  be delivered lives only in Redis (the outbox is in PostgreSQL). Reads give the
  default, writes and deletes do nothing, and an error is logged at most once a
  minute per process. A delete lost in the outage leaves a stale entry at most for
  its own timeout once Redis is back (five minutes for the longest-kept pages).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

if TYPE_CHECKING:
    from redis import ConnectionPool

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError)
_LOG_EVERY = 60.0
_last_logged = 0.0


def _outage(operation: str, error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY:
        _last_logged = now
        logger.error("cache unavailable, %s answered as a miss: %s", operation, error)


class RedisCacheClient(DjangoRedisCacheClient):
    if TYPE_CHECKING:
        # The parts of Django's client used below, which its stubs leave out as private.
        _client: Callable[..., Any]

        def _get_connection_pool(self, write: bool) -> ConnectionPool: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        try:
            return bool(super().add(key, value, timeout))
        except OUTAGE as error:
            _outage("add", error)
            return True

    def get(self, key: Any, default: Any) -> Any:
        try:
            return super().get(key, default)
        except OUTAGE as error:
            _outage("get", error)
            return default

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        try:
            super().set(key, value, timeout)
        except OUTAGE as error:
            _outage("set", error)

    def touch(self, key: Any, timeout: Any) -> bool:
        try:
            return bool(super().touch(key, timeout))
        except OUTAGE as error:
            _outage("touch", error)
            return False

    def delete(self, key: Any) -> bool:
        try:
            return bool(super().delete(key))
        except OUTAGE as error:
            _outage("delete", error)
            return False

    def get_many(self, keys: Any) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys))
        except OUTAGE as error:
            _outage("get_many", error)
            return {}

    def has_key(self, key: Any) -> bool:
        try:
            return bool(super().has_key(key))
        except OUTAGE as error:
            _outage("has_key", error)
            return False

    def set_many(self, data: Any, timeout: Any) -> None:
        try:
            super().set_many(data, timeout)
        except OUTAGE as error:
            _outage("set_many", error)

    def delete_many(self, keys: Any) -> None:
        try:
            super().delete_many(keys)
        except OUTAGE as error:
            _outage("delete_many", error)


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
