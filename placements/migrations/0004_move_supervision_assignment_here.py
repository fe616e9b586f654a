"""SupervisionAssignment joins the placement aggregate: the model moves from the
supervision app to placements; its table, indexes and constraints stay as they are
(state only, no SQL)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0003_activity_index_covers_sums"),
        ("supervision", "0003_add_meeting_notes_and_time_logs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SupervisionAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=150, verbose_name="name")),
                        (
                            "email",
                            models.EmailField(blank=True, max_length=254, verbose_name="e-mail address"),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("practice", "practice supervisor"),
                                    ("school_trainer", "school trainer"),
                                    ("institute", "institute supervisor"),
                                ],
                                max_length=20,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "domain",
                            models.CharField(
                                choices=[
                                    ("educational", "educational"),
                                    ("social", "social"),
                                    ("pedagogical", "pedagogical"),
                                ],
                                max_length=20,
                                verbose_name="supervisor's domain",
                            ),
                        ),
                        ("guides", models.BooleanField(default=True, verbose_name="guidance")),
                        ("assesses", models.BooleanField(default=False, verbose_name="assessment")),
                        ("signs_off", models.BooleanField(default=False, verbose_name="signs off hours")),
                        (
                            "placement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="placements.placement",
                                verbose_name="placement",
                            ),
                        ),
                        (
                            "supervisor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="supervisions",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="supervisor",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "supervision assignment",
                        "verbose_name_plural": "supervision assignments",
                        "db_table": "supervision_supervisionassignment",
                        "ordering": ["role"],
                        "indexes": [
                            models.Index(
                                fields=["supervisor", "placement"], name="assignment_supervisor_idx"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("supervisor__isnull", False),
                                    models.Q(("email", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="assignment_has_supervisor_or_email",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("supervisor__isnull", False)),
                                fields=("placement", "supervisor", "role"),
                                name="assignment_unique_supervisor_role",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
