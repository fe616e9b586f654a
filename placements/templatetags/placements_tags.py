from django import template

from ulvo.lib import formats

register = template.Library()

# ULVO's one duration style (ulvo/lib/formats.py), also here for the templates that
# load this library: 25 uur 15 min.
register.filter("duration", formats.duration)


@register.filter
def percent_of(part: int | None, whole: int | None) -> int:
    if not whole:
        return 0
    return min(100, round(100 * int(part or 0) / int(whole)))
