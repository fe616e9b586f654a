"""Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
cache call, and each one fills its table of ~170 response callbacks: about a tenth
of a millisecond per call, on every page (the navigation is read from the cache).
A ``redis.Redis`` is safe to share between threads (connections come from its pool),
so one per pool is kept instead. Everything else is Django's backend unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

if TYPE_CHECKING:
    from redis import ConnectionPool


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
