"""English date and number formats (``FORMAT_MODULE_PATH``): the Dutch styles with
English names, day before month and a 24-hour clock, as ULVO's readers in the
Netherlands expect; ``ulvo/lib/formats.py`` names the styles."""

# The two date styles.
SHORT_DATE_FORMAT = "j M Y"  # 12 Oct 2026
DATE_FORMAT = "l j F Y"  # Monday 12 October 2026 (the long style)
# The same styles with a time, or without the year, or as a month.
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 12 Oct 2026 14:30
DATETIME_FORMAT = r"l j F Y \a\t H:i"  # Monday 12 October 2026 at 14:30
MONTH_DAY_FORMAT = "j M"  # 12 Oct
LONG_MONTH_DAY_FORMAT = "l j F"  # Monday 12 October
YEAR_MONTH_FORMAT = "F Y"  # October 2026
SHORT_YEAR_MONTH_FORMAT = "M Y"  # Oct 2026
WEEKDAY_DAY_FORMAT = "D j"  # Mon 12 (a day in the week strip)
TIME_FORMAT = "H:i"  # 14:30

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
