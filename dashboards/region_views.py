"""The region view for staff (region coordinators): ``regios/`` and its CSV export.

Staff only (others 403); the page reads its region, school year and sort order from
the query string, so a chosen view is a link and works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dashboards import region as figures
from dashboards.exports import csv_response
from dashboards.suppression import SUPPRESSED, hidden_text
from dashboards.tables import FigureTable, Row
from environments.models import Domain, Region
from ulvo.lib.http import AuthedRequest


class RegionForm(forms.Form):
    """Which region and school year: the first region and the current school year when
    not chosen; an unknown region or year is an error (422), never another view."""

    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.all(), required=False
    )
    year = forms.ChoiceField(label=gettext_lazy("School year"), required=False)
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, data: Any, regions: list[Region], years: list[str]) -> None:
        super().__init__(data)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.empty_label = None
        region_field.choices = [(r.pk, r.name) for r in regions]
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.ChoiceField)
        year_field.choices = [(y, y) for y in years]


COLUMN_LABELS = {
    "name": gettext_lazy("Learning environment"),
    "students": gettext_lazy("Students"),
    "target": gettext_lazy("Target"),
    "off_target": gettext_lazy("Away from target"),
    "evenness": gettext_lazy("Evenness over domains"),
    "coverage": gettext_lazy("Own-domain supervisor"),
    "attendance": gettext_lazy("Attendance"),
    "reflections": gettext_lazy("Reflections per student"),
    "help": gettext_lazy("Needs help"),
    "domains": gettext_lazy("Students per domain (target)"),
}


def _staff(request: AuthedRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied


def _region_view(request: AuthedRequest) -> dict[str, Any]:
    """Everything the page and the export need, or ``form`` with errors."""
    regions = list(Region.objects.order_by("name"))
    chosen = request.GET.get("region") or (str(regions[0].pk) if regions else "")
    region = next((r for r in regions if str(r.pk) == chosen), None)
    years = figures.school_years(region) if region else [figures.current_school_year()]
    data = {
        "region": chosen,
        "year": request.GET.get("year") or figures.current_school_year(),
        "sort": request.GET.get("sort", "name"),
    }
    form = RegionForm(data, regions, years)
    context: dict[str, Any] = {"form": form, "regions": regions}
    if not regions or not form.is_valid():
        return context
    region = form.cleaned_data["region"]
    year = form.cleaned_data["year"]
    data_ = figures.cached_region_figures(region, year)
    coordinated = figures.coordinated_environments(request.user, [e.pk for e in data_.environments])
    rows, column, descending = figures.sort_rows(
        figures.present(data_, coordinated), form.cleaned_data["sort"] or "name"
    )
    context.update(
        region=region,
        year=year,
        rows=rows,
        computed_at=data_.computed_at,
        sort_column=column,
        descending=descending,
        needing_help=sum(1 for r in rows if r.needs_help),
        suppressed=SUPPRESSED,
        hidden=hidden_text(),
        thresholds={
            "coverage": round(figures.COVERAGE_MIN * 100),
            "attendance": round(figures.ATTENDANCE_MIN * 100),
            "reflections": figures.REFLECTIONS_MIN,
            "off_target": round(figures.OFF_TARGET_MAX * 100),
        },
    )
    return context


def _headers(context: dict[str, Any], query: str) -> list[dict[str, Any]]:
    """The column headings with their sort links: a column sorts ascending, once more
    descending; ``aria-sort`` on the sorted one."""
    headers = []
    for column in ["name", *figures.COLUMNS, "help"]:
        current = context["sort_column"] == column
        descending = context["descending"]
        next_sort = f"-{column}" if current and not descending else column
        headers.append(
            {
                "column": column,
                "sortable": True,
                "label": COLUMN_LABELS[column],
                "href": f"?{query}&sort={next_sort}",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "numeric": column in figures.COLUMNS,
            }
        )
    headers.append(
        {
            "column": "domains",
            "label": COLUMN_LABELS["domains"],
            "sortable": False,
            "numeric": False,
        }
    )
    return headers


@require_GET
def region(request: AuthedRequest) -> HttpResponse:
    """All learning environments of a region side by side, for staff."""
    _staff(request)
    context = _region_view(request)
    if "rows" not in context:
        status = 200 if not context["regions"] else 422
        return TemplateResponse(request, "dashboards/region.html", context, status=status)
    query = f"region={context['region'].pk}&year={context['year']}"
    context["query"] = query
    context["headers"] = _headers(context, query)
    return TemplateResponse(request, "dashboards/region.html", context)


def _domain_cells(row: figures.EnvironmentRow) -> list[Any]:
    """Per domain of ``Domain`` the students (as shown) and the target, for the CSV."""
    found = {value: (students, target) for value, students, target in row.domain_values}
    cells: list[Any] = []
    for value in Domain.values:
        students, target = found.get(value, (None, None))
        cells.append("" if students is None else _export_value(students))
        cells.append(target if target is not None else "")
    return cells


def _export_value(cell: figures.Cell) -> Any:
    """A number as a number; "<5" or "hidden" as the page shows it."""
    return cell.text if cell.value is None and cell.text != "–" else cell.value


@require_GET
def region_export(request: AuthedRequest) -> HttpResponse:
    """The region's table as CSV (the numbers as the page shows them)."""
    _staff(request)
    context = _region_view(request)
    if "rows" not in context:
        return HttpResponse(status=422 if context["regions"] else 404)
    table = FigureTable(
        key="region",
        title=_("Learning environments"),
        columns=[
            *(str(COLUMN_LABELS[c]) for c in ["name", *figures.COLUMNS, "help"]),
            *(
                text % {"domain": label}
                for _value, label in Domain.choices
                for text in (_("%(domain)s: students"), _("%(domain)s: target"))
            ),
        ],
        rows=[
            Row(
                [
                    row.name,
                    *(
                        c.text if c.value is None and c.text != "–" else c.value
                        for c in row.ordered_cells
                    ),
                    ", ".join(row.concern_texts),
                    *_domain_cells(row),
                ]
            )
            for row in context["rows"]
        ],
    )
    return csv_response(table, slugify(f"{context['region'].name} {context['year']}"))
