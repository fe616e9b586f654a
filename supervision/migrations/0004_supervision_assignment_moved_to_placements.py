"""SupervisionAssignment now belongs to placements (placements 0004): only the
migration state forgets it here; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0003_add_meeting_notes_and_time_logs"),
        ("placements", "0004_move_supervision_assignment_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SupervisionAssignment")],
            database_operations=[],
        ),
    ]
