from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from placements.forms import ShownField
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


# The activity form's choices (templates/placements/_entry_form_fields.html). A
# template loop costs some 10 µs an option, and the duration alone has 48: these write
# the same markup as Django's widgets, in one pass (issue #22).

# Constant attributes, safe as written.
SELECTED = mark_safe(" selected")  # noqa: S308
CHECKED = mark_safe(" checked")  # noqa: S308
REQUIRED = mark_safe(" required")  # noqa: S308
INVALID = mark_safe(' aria-invalid="true"')  # noqa: S308


@register.simple_tag
def options(field: ShownField) -> SafeString:
    """A select's ``<option>`` elements, the chosen one selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, SELECTED if value in field.chosen else "", label)
            for value, label in field.choices
        ),
    )


@register.simple_tag
def choice_inputs(field: ShownField, input_type: str, name: str) -> SafeString:
    """Radio buttons or checkboxes, each inside its label (ids ``<field id>_<n>``);
    a radio button is required, and marked invalid with the field's errors."""
    required = REQUIRED if input_type == "radio" else ""
    invalid = INVALID if field.errors else ""
    return format_html_join(
        "",
        '<label><input type="{}" name="{}" value="{}" id="{}_{}"{}{}{}> {}</label>',
        (
            (
                input_type,
                name,
                value,
                field.id,
                index,
                required,
                CHECKED if value in field.chosen else "",
                invalid,
                label,
            )
            for index, (value, label) in enumerate(field.choices)
        ),
    )
