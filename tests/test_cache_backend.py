"""The Redis cache backend (ulvo/lib/cache.py): Django's, sharing one client per pool."""

import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches

from ulvo.lib.cache import RedisCache

pytestmark = pytest.mark.services

KEYS = ["missing", "one", "two", "three", "gone"] + [
    f"thread-{n}-{step}" for n in range(8) for step in range(50)
]


@pytest.fixture
def redis_cache() -> Any:
    # Its own key prefix, and only its own keys deleted: the database is shared.
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "ulvo-cache-test"})
    backend.delete_many(KEYS)
    yield backend
    backend.delete_many(KEYS)


def test_the_configured_cache_is_this_backend() -> None:
    assert isinstance(caches["default"], RedisCache)


def test_one_client_serves_every_call(redis_cache: Any) -> None:
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("key", write=True) is client


def test_it_behaves_as_djangos_redis_cache(redis_cache: Any) -> None:
    assert redis_cache.get("missing") is None
    redis_cache.set("one", {"a": 1}, 30)
    assert redis_cache.get("one") == {"a": 1}
    assert redis_cache.add("one", "other") is False
    redis_cache.set_many({"two": 2, "three": [3]}, 30)
    assert redis_cache.get_many(["one", "two", "three", "four"]) == {
        "one": {"a": 1},
        "two": 2,
        "three": [3],
    }
    redis_cache.delete_many(["one", "two"])
    assert redis_cache.get_many(["one", "two", "three"]) == {"three": [3]}
    redis_cache.set("gone", 1, 0)
    assert redis_cache.get("gone") is None


def test_threads_share_the_client_safely(redis_cache: Any) -> None:
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for step in range(50):
                key = f"thread-{number}-{step}"
                redis_cache.set(key, step, 30)
                assert redis_cache.get(key) == step
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
