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

import functools
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
        logger.error("cache unavailable, %s skipped: %s", operation, error)


def _tolerant(method: Callable[..., Any], answer: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, answering a Redis outage with ``answer(*arguments)``."""

    @functools.wraps(method)
    def tolerant(self: Any, *args: Any) -> Any:
        try:
            return method(self, *args)
        except OUTAGE as error:
            _outage(method.__name__, error)
            return answer(*args)

    return tolerant


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

    # Reads miss, writes and deletes do nothing, ``add`` succeeds (its guard fails open).
    add = _tolerant(DjangoRedisCacheClient.add, lambda key, value, timeout: True)
    get = _tolerant(DjangoRedisCacheClient.get, lambda key, default: default)
    set = _tolerant(DjangoRedisCacheClient.set, lambda key, value, timeout: None)
    touch = _tolerant(DjangoRedisCacheClient.touch, lambda key, timeout: False)
    delete = _tolerant(DjangoRedisCacheClient.delete, lambda key: False)
    get_many = _tolerant(DjangoRedisCacheClient.get_many, lambda keys: {})
    has_key = _tolerant(DjangoRedisCacheClient.has_key, lambda key: False)
    set_many = _tolerant(DjangoRedisCacheClient.set_many, lambda data, timeout: None)
    delete_many = _tolerant(DjangoRedisCacheClient.delete_many, lambda keys: None)


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
