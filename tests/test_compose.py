"""The container set-up: docker-compose.yml, the Dockerfile and .dockerignore.

Docker does not run on these machines, so these tests read the files: five
services with health checks, one image for web, worker and beat, the command
each role runs, production settings, and an image that installs from the lock
file and runs as an unprivileged user.
"""

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def command_words(service: dict[str, Any]) -> list[str]:
    """The service's command as words, also when it runs through `sh -c`."""
    command = service.get("command")
    assert command, "the service sets no command"
    words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(" ".join(words[2:]))
    return words


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def healthcheck_text(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments left out."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return instructions


# --- docker-compose.yml -----------------------------------------------------------


def test_compose_file_parses_to_services(compose: dict[str, Any]) -> None:
    assert isinstance(compose, dict)
    assert isinstance(compose.get("services"), dict)


def test_compose_has_exactly_the_five_services(services: dict[str, Any]) -> None:
    assert set(services) == {"db", "redis", "web", "worker", "beat"}


@pytest.mark.parametrize("name", ["db", "redis", *APP_SERVICES])
def test_every_service_has_a_health_check(services: dict[str, Any], name: str) -> None:
    healthcheck = services[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable"), f"{name} disables its healthcheck"
    test = healthcheck.get("test")
    assert test and test not in (["NONE"], "NONE"), f"{name}'s healthcheck tests nothing"


def test_postgres_keeps_its_data_in_a_named_volume(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in healthcheck_text(db)
    named = {str(volume).split(":", 1)[0] for volume in db.get("volumes", [])}
    assert named & set(compose.get("volumes") or {}), "db's data is not in a named volume"


def test_redis_answers_its_health_check(services: dict[str, Any]) -> None:
    assert services["redis"]["image"].startswith("redis:7")
    assert "redis-cli ping" in healthcheck_text(services["redis"])


def test_web_worker_and_beat_share_one_image_built_from_this_folder(
    services: dict[str, Any],
) -> None:
    def origin(service: dict[str, Any]) -> tuple[str, str, str]:
        build = service.get("build")
        if isinstance(build, str):
            build = {"context": build}
        build = build or {}
        return (
            str(build.get("context", "")),
            str(build.get("dockerfile", "Dockerfile")),
            str(service.get("image", "")),
        )

    origins = {origin(services[name]) for name in APP_SERVICES}
    assert len(origins) == 1, f"the app services run different images: {origins}"
    context, _, image = origins.pop()
    assert context in {".", "./"} or image, "the app image is neither built here nor named"


def test_web_migrates_then_serves_with_gunicorn(services: dict[str, Any]) -> None:
    web = services["web"]
    words = command_words(web)
    assert "migrate" in words and "--noinput" in words
    assert "gunicorn" in words and "ulvo.wsgi:application" in words
    assert words.index("migrate") < words.index("gunicorn"), "gunicorn starts before migrate"
    assert words[words.index("migrate") - 1] == "manage.py"
    assert "0.0.0.0:8000" in words
    assert "8000:8000" in [str(port) for port in web.get("ports", [])]
    assert "http://127.0.0.1:8000/health/" in healthcheck_text(web)


@pytest.mark.parametrize("name,role", [("worker", "worker"), ("beat", "beat")])
def test_celery_roles(services: dict[str, Any], name: str, role: str) -> None:
    words = command_words(services[name])
    assert words[0] == "celery"
    assert words[words.index("-A") + 1] == "ulvo"
    assert role in words[words.index("-A") + 2 :]
    assert not ({"worker", "beat"} - {role}) & set(words), f"{name} runs both roles"


def test_beat_writes_its_schedule_where_the_unprivileged_user_may(
    services: dict[str, Any],
) -> None:
    words = command_words(services["beat"])
    option = "--schedule" if "--schedule" in words else "-s"
    assert option in words, "beat would write its schedule into the read-only code folder"
    assert words[words.index(option) + 1].startswith("/tmp/")


def test_worker_health_check_pings_its_own_node(services: dict[str, Any]) -> None:
    text = healthcheck_text(services["worker"])
    assert "inspect ping" in text
    assert "celery@$$HOSTNAME" in text  # $$: compose passes a literal $ to the shell


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(services: dict[str, Any], name: str) -> None:
    depends_on = services[name].get("depends_on")
    assert isinstance(depends_on, dict), f"{name} does not wait for healthy services"
    for dependency in ("db", "redis"):
        assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (
            f"{name} does not wait for {dependency} to be healthy"
        )


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_in_production(services: dict[str, Any], name: str) -> None:
    env = environment(services[name])
    assert env.get("DJANGO_ENV") == "production"
    # The secret key has no default: compose refuses to start without one.
    assert env.get("DJANGO_SECRET_KEY", "").startswith("${DJANGO_SECRET_KEY:?")
    assert env.get("DATABASE_URL", "").startswith("postgres://")
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env.get("REDIS_URL", "").startswith("redis://redis:6379")
    assert env.get("DJANGO_ALLOWED_HOSTS")


def test_app_services_share_the_environment_anchor(compose: dict[str, Any]) -> None:
    shared = compose.get("x-app-env")
    assert shared, "no shared x-app-env block"
    for name in APP_SERVICES:
        env = environment(compose["services"][name])
        assert {key: env.get(key) for key in shared} == {k: str(v) for k, v in shared.items()}


# --- Dockerfile and .dockerignore -------------------------------------------------


def test_dockerfile_exists() -> None:
    assert DOCKERFILE.is_file()


def test_dockerfile_installs_from_the_lock_file_with_the_image_python() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.12-slim")
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    syncs = [run for run in runs if "uv sync" in run]
    assert syncs, "no RUN uv sync"
    assert all("--frozen" in run and "--no-dev" in run for run in syncs)
    envs = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    assert "UV_PYTHON_DOWNLOADS=never" in envs
    assert any("collectstatic --noinput" in run for run in runs)


def test_dockerfile_runs_as_a_non_root_user() -> None:
    instructions = dockerfile_instructions()
    users = [i for i, (keyword, _) in enumerate(instructions) if keyword == "USER"]
    assert users, "the image runs as root"
    user = instructions[users[-1]][1].split(":", 1)[0]
    assert user not in {"root", "0", ""}
    commands = [
        i for i, (keyword, _) in enumerate(instructions) if keyword in {"CMD", "ENTRYPOINT"}
    ]
    assert commands and users[-1] < commands[-1], "USER comes after the command"


def test_dockerfile_serves_gunicorn_on_port_8000() -> None:
    commands = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "CMD"]
    assert commands, "no CMD"
    assert "gunicorn" in commands[-1] and "ulvo.wsgi:application" in commands[-1]
    assert "0.0.0.0:8000" in commands[-1]


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    patterns = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".git", "db.sqlite3", "staticfiles"} <= patterns
    assert "uv.lock" not in patterns and "pyproject.toml" not in patterns
