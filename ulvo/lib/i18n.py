"""Strings Django shows but its Dutch catalogue lacks, so that ours carries them."""

from django.utils.translation import gettext_noop

MISSING_FROM_DJANGO = [
    gettext_noop("- Select an option -"),
]
