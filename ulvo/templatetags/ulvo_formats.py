"""Template filters for ULVO's number and duration styles (``ulvo/lib/formats.py``).
Dates need no filter of their own: ``{{ day|date:"SHORT_DATE_FORMAT" }}``."""

from django import template

from ulvo.lib import formats

register = template.Library()

register.filter("duration", formats.duration)
register.filter("hours", formats.hours)
register.filter("cell", formats.cell)


@register.filter
def number(value: formats.Number | None, decimals: int | None = None) -> str:
    """``{{ value|number }}``: 1.038,8; ``{{ value|number:1 }}``: always one decimal."""
    return formats.number(value, decimals)
