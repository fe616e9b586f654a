"""The school holidays of the school years 2025-2026 to 2027-2028 per region, and the
public holidays outside them, as the Rijksoverheid publishes them ("Overzicht
schoolvakanties per schooljaar"). Summer, Christmas and one week of May are set for
every school; autumn and spring are advised dates a school may move. Staff keep
the list up to date in the management site.
"""

import datetime

from django.db import migrations

D = datetime.date
ALL = ("noord", "midden", "zuid")

# (school year, kind, regions, first day, last day), both days inclusive.
HOLIDAYS = [
    ("2025-2026", "autumn", ("noord", "midden"), D(2025, 10, 18), D(2025, 10, 26)),
    ("2025-2026", "autumn", ("zuid",), D(2025, 10, 11), D(2025, 10, 19)),
    ("2025-2026", "christmas", ALL, D(2025, 12, 20), D(2026, 1, 4)),
    ("2025-2026", "spring", ("noord",), D(2026, 2, 21), D(2026, 3, 1)),
    ("2025-2026", "spring", ("midden", "zuid"), D(2026, 2, 14), D(2026, 2, 22)),
    ("2025-2026", "easter_monday", ALL, D(2026, 4, 6), D(2026, 4, 6)),
    ("2025-2026", "may", ALL, D(2026, 4, 25), D(2026, 5, 3)),
    ("2025-2026", "kings_day", ALL, D(2026, 4, 27), D(2026, 4, 27)),
    ("2025-2026", "ascension", ALL, D(2026, 5, 14), D(2026, 5, 14)),
    ("2025-2026", "whit_monday", ALL, D(2026, 5, 25), D(2026, 5, 25)),
    ("2025-2026", "summer", ("noord",), D(2026, 7, 4), D(2026, 8, 16)),
    ("2025-2026", "summer", ("midden",), D(2026, 7, 18), D(2026, 8, 30)),
    ("2025-2026", "summer", ("zuid",), D(2026, 7, 11), D(2026, 8, 23)),
    ("2026-2027", "autumn", ("noord",), D(2026, 10, 10), D(2026, 10, 18)),
    ("2026-2027", "autumn", ("midden", "zuid"), D(2026, 10, 17), D(2026, 10, 25)),
    ("2026-2027", "christmas", ALL, D(2026, 12, 19), D(2027, 1, 3)),
    ("2026-2027", "spring", ("noord", "midden"), D(2027, 2, 20), D(2027, 2, 28)),
    ("2026-2027", "spring", ("zuid",), D(2027, 2, 6), D(2027, 2, 14)),
    ("2026-2027", "easter_monday", ALL, D(2027, 3, 29), D(2027, 3, 29)),
    ("2026-2027", "may", ALL, D(2027, 4, 24), D(2027, 5, 2)),
    ("2026-2027", "kings_day", ALL, D(2027, 4, 27), D(2027, 4, 27)),
    ("2026-2027", "ascension", ALL, D(2027, 5, 6), D(2027, 5, 6)),
    ("2026-2027", "whit_monday", ALL, D(2027, 5, 17), D(2027, 5, 17)),
    ("2026-2027", "summer", ("noord",), D(2027, 7, 10), D(2027, 8, 22)),
    ("2026-2027", "summer", ("midden", "zuid"), D(2027, 7, 17), D(2027, 8, 29)),
    ("2027-2028", "autumn", ("noord", "midden"), D(2027, 10, 16), D(2027, 10, 24)),
    ("2027-2028", "autumn", ("zuid",), D(2027, 10, 23), D(2027, 10, 31)),
    ("2027-2028", "christmas", ALL, D(2027, 12, 25), D(2028, 1, 9)),
    ("2027-2028", "spring", ("noord",), D(2028, 2, 19), D(2028, 2, 27)),
    ("2027-2028", "spring", ("midden", "zuid"), D(2028, 2, 26), D(2028, 3, 5)),
    ("2027-2028", "easter_monday", ALL, D(2028, 4, 17), D(2028, 4, 17)),
    ("2027-2028", "kings_day", ALL, D(2028, 4, 27), D(2028, 4, 27)),
    ("2027-2028", "may", ALL, D(2028, 4, 29), D(2028, 5, 7)),
    ("2027-2028", "ascension", ALL, D(2028, 5, 25), D(2028, 5, 25)),
    ("2027-2028", "whit_monday", ALL, D(2028, 6, 5), D(2028, 6, 5)),
    ("2027-2028", "summer", ("noord",), D(2028, 7, 15), D(2028, 8, 27)),
    ("2027-2028", "summer", ("midden",), D(2028, 7, 8), D(2028, 8, 20)),
    ("2027-2028", "summer", ("zuid",), D(2028, 7, 22), D(2028, 9, 3)),
]


def ship(apps, schema_editor):
    SchoolHoliday = apps.get_model("learning_networks", "SchoolHoliday")
    for school_year, kind, regions, first_day, last_day in HOLIDAYS:
        for region in regions:
            SchoolHoliday.objects.update_or_create(
                region=region,
                school_year=school_year,
                kind=kind,
                defaults={"first_day": first_day, "last_day": last_day},
            )


def unship(apps, schema_editor):
    SchoolHoliday = apps.get_model("learning_networks", "SchoolHoliday")
    for school_year, kind, regions, _first_day, _last_day in HOLIDAYS:
        SchoolHoliday.objects.filter(
            region__in=regions, school_year=school_year, kind=kind
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learning_networks", "0002_school_holidays_and_closed_days"),
    ]

    operations = [migrations.RunPython(ship, unship)]
