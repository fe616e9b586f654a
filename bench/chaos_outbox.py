"""Chaos test of the outbox: a worker killed in the middle of a batch.

Against a real PostgreSQL and Redis on 127.0.0.1 and real Celery worker processes:

1. seed N due notifications (a fresh database, migrated);
2. start a worker (prefork, 2 processes) and send it two sweeps at once;
3. once part of the batch is out, SIGKILL the worker and its children;
4. start a second worker, let the sweep run again (as beat would);
5. check: every row sent, every address e-mailed once.

The one exception, inherent to SMTP: a message the dying worker had handed over
but not yet recorded as sent (at most one per killed process) is sent again —
the outbox delivers at least once, never loses a message, and never repeats one
that it recorded. The script names those "in flight" and fails on any other
duplicate.

E-mails go to a file (one line per message, appended before the row commits), so
a duplicate would show. Bounded in time: gives up after ``--timeout`` seconds.

    bin/chaos-outbox [--rows 200] [--timeout 180]

Environment: CHAOS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ulvo_chaos,
dropped and created), CHAOS_REDIS_URL (default redis://127.0.0.1:6379/10, flushed).
Writes bench/results/chaos_outbox.json and exits non-zero when anything was lost or
sent twice.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get("CHAOS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ulvo_chaos")
REDIS_URL = os.environ.get("CHAOS_REDIS_URL", "redis://127.0.0.1:6379/10")
MAIL_LOG = ROOT / "bench" / "tmp" / "chaos-mail.log"
# Each e-mail takes this long, so the kill lands in the middle of the batch.
SEND_SECONDS = 0.05


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ulvo.settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_EMAIL_BACKEND": "bench.chaos_outbox.SlowFileBackend",
        "CHAOS_MAIL_LOG": str(MAIL_LOG),
        "PYTHONPATH": str(ROOT),
    }


class SlowFileBackend(BaseEmailBackend):
    """An SMTP stand-in: slow, and it remembers every message in a shared file."""

    def __init__(self, fail_silently: bool = False, **kwargs: object) -> None:
        super().__init__(fail_silently=fail_silently)
        self.path = os.environ["CHAOS_MAIL_LOG"]

    def send_messages(self, messages: list) -> int:
        for message in messages:
            time.sleep(SEND_SECONDS)
            line = ",".join(message.to) + "\n"
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        return len(messages)


def fresh_database() -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(DATABASE_URL)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=environment(),
        check=True,
    )


def start_worker(name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ulvo",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment(),
        start_new_session=True,  # its own process group: the kill takes the children too
    )


def sent_lines() -> list[str]:
    if not MAIL_LOG.exists():
        return []
    return MAIL_LOG.read_text().splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=180)
    options = parser.parse_args()
    deadline = time.monotonic() + options.timeout

    os.environ.update(environment())
    MAIL_LOG.parent.mkdir(parents=True, exist_ok=True)
    MAIL_LOG.unlink(missing_ok=True)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    print(f"==> Fresh database {DATABASE_URL}, Redis {REDIS_URL}")
    fresh_database()

    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from notifications.models import Kind, Notification, Status
    from notifications.tasks import deliver_due_notifications

    users = User.objects.bulk_create(
        User(email=f"chaos{n}@example.invalid", full_name=f"Chaos {n}") for n in range(options.rows)
    )
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.LOG_REMINDER,
            dedupe_key=f"chaos:{user.pk}",
            payload={},
            due_at=now,
        )  # fmt: skip
        for user in users
    )
    print(f"==> {options.rows} notifications due")

    first = start_worker("chaos-1")
    # Two sweeps at once: the two worker processes race over the same rows.
    deliver_due_notifications.delay()
    deliver_due_notifications.delay()
    kill_after = options.rows // 4
    while len(sent_lines()) < kill_after and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    mailed_before_kill = set(sent_lines())
    pending_after_kill = set(
        Notification.objects.filter(status=Status.PENDING).values_list(
            "recipient__email", flat=True
        )
    )
    # Handed to "SMTP" but not yet committed as sent when the worker died: the one
    # message per killed process whose fate the outbox cannot know.
    in_flight = mailed_before_kill & pending_after_kill
    before_kill, pending = len(mailed_before_kill), len(pending_after_kill)
    print(
        f"==> Killed the worker (SIGKILL) after {before_kill} e-mails; {pending} rows pending, "
        f"{len(in_flight)} of them in flight"
    )

    second = start_worker("chaos-2")
    try:
        while time.monotonic() < deadline:
            # What beat does every minute; here every few seconds.
            deliver_due_notifications.delay()
            time.sleep(3)
            if not Notification.objects.filter(status=Status.PENDING).exists():
                break
        time.sleep(2)  # Let a sweep still running finish its last row.
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        try:
            second.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)

    lines = sent_lines()
    counts = collections.Counter(lines)
    twice = sorted(address for address, count in counts.items() if count > 1)
    expected = {user.email for user in users}
    missing = sorted(expected - set(counts))
    statuses = dict(collections.Counter(Notification.objects.values_list("status", flat=True)))
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "rows": options.rows,
        "emails_before_kill": before_kill,
        "pending_after_kill": pending,
        "emails_total": len(lines),
        "in_flight_at_kill": len(in_flight),
        "sent_twice": len(twice),
        "sent_twice_not_in_flight": len(set(twice) - in_flight),
        "never_sent": len(missing),
        "statuses": statuses,
        "ok": (
            not missing and not set(twice) - in_flight and statuses == {Status.SENT: options.rows}
        ),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "chaos_outbox.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if twice:
        print("Sent twice:", ", ".join(twice[:10]))
    if missing:
        print("Never sent:", ", ".join(missing[:10]))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
