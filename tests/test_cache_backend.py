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


CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings: Any) -> Any:
    """The default cache points at a closed port: Redis is down."""
    import ulvo.lib.cache as module

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "ulvo.lib.cache.RedisCache",
            "LOCATION": CLOSED_PORT,
            "KEY_PREFIX": "ulvo",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        },
    }
    module._last_logged = 0.0
    yield caches["default"]
    module._last_logged = 0.0


def test_an_outage_answers_as_a_miss_and_is_logged_once(cache_down: Any, caplog: Any) -> None:
    assert cache_down.get("key", "default") == "default"
    assert cache_down.get_many(["a", "b"]) == {}
    assert cache_down.has_key("key") is False
    cache_down.set("key", 1, 30)
    cache_down.set_many({"a": 1}, 30)
    cache_down.delete("key")
    cache_down.delete_many(["a"])
    assert cache_down.touch("key", 30) is False
    # A guard such as a rate limit's lock fails open: logging in keeps working.
    assert cache_down.add("lock", True, 10) is True
    errors = [r for r in caplog.records if r.name == "ulvo.lib.cache"]
    assert len(errors) == 1
    assert "cache unavailable" in errors[0].getMessage()


@pytest.mark.django_db
def test_pages_answer_while_redis_is_down(cache_down: Any, cast: Any, settings: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.accounts.factories import PASSWORD

    settings.ULVO_NAV_CACHE_SECONDS = 60
    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 300
    client = Client()
    # Logging in goes through allauth's rate limits, which live in the cache.
    response = client.post(
        reverse("account_login"), {"login": cast.supervisor.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    for url in (
        reverse("home"),
        reverse("supervision:home"),
        reverse("placements:overview", args=[cast.placement.pk]),
        reverse("notifications:list"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(cast.coordinator)
    dashboard = client.get(reverse("dashboards:environment", args=[cast.environment.pk]))
    assert dashboard.status_code == 200
