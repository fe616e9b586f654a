from django import template

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    """Minutes as hours:minutes, e.g. 90 → 1:30."""
    minutes = int(minutes or 0)
    return f"{minutes // 60}:{minutes % 60:02d}"


@register.filter
def percent_of(part: int | None, whole: int | None) -> int:
    if not whole:
        return 0
    return min(100, round(100 * int(part or 0) / int(whole)))
