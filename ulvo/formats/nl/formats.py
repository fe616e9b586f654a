"""Dutch date and number formats (``FORMAT_MODULE_PATH``); what is not here comes from
Django's own Dutch module. ``ulvo/lib/formats.py`` names the styles and says where
each is used. Month and day names are Django's Dutch ones: lowercase, and with "N"
the short months without a capital or a full stop ("okt", "mrt", "mei")."""

# The two date styles.
SHORT_DATE_FORMAT = "j N Y"  # 12 okt 2026
DATE_FORMAT = "l j F Y"  # maandag 12 oktober 2026 (the long style)
# The same styles with a time, or without the year, or as a month.
SHORT_DATETIME_FORMAT = "j N Y H:i"  # 12 okt 2026 14:30
DATETIME_FORMAT = r"l j F Y \o\m H:i"  # maandag 12 oktober 2026 om 14:30
MONTH_DAY_FORMAT = "j N"  # 12 okt
LONG_MONTH_DAY_FORMAT = "l j F"  # maandag 12 oktober
YEAR_MONTH_FORMAT = "F Y"  # oktober 2026
SHORT_YEAR_MONTH_FORMAT = "N Y"  # okt 2026
WEEKDAY_DAY_FORMAT = "D j"  # ma 12 (a day in the week strip)
TIME_FORMAT = "H:i"  # 14:30

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
