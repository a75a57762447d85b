"""The program outcomes report: a page with plots, a CSV and a PDF of the same numbers.
Aggregates only; viewing and exporting are audited (no patient ids: nothing identifies one)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.policy import requires
from openiop.core.spreadsheets import neutralize
from openiop.core.widgets import DateInput
from openiop.measures import charts
from openiop.measures.outcomes import Filters, GroupBy, GroupOutcome, outcomes_report
from openiop.programs.models import Program


class OutcomesFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), required=False, empty_label="All my programs"
    )
    group_by = forms.ChoiceField(choices=[(g.value, g.value.title()) for g in GroupBy])
    start = forms.DateField(label="Discharged from", widget=DateInput)
    end = forms.DateField(label="Discharged to", widget=DateInput)

    def __init__(self, *args: Any, program_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = Program.objects.filter(pk__in=program_ids).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the range must be on or after its start.")
        return data


def _form(request: HttpRequest) -> tuple[OutcomesFilterForm, Filters | None]:
    program_ids = program_ids_with(request.user, Capability.VIEW_OUTCOMES)
    today = clock.now().date()
    initial: dict[str, Any] = {
        "group_by": GroupBy.PROGRAM,
        "start": today - dt.timedelta(days=365),
        "end": today,
    }
    data = request.GET.copy()
    data.pop("page", None)  # which page of groups to show is not a filter
    form = OutcomesFilterForm(data or None, program_ids=program_ids, initial=initial)
    chosen: dict[str, Any]
    if not data:
        chosen = initial
    elif form.is_valid():
        chosen = form.cleaned_data
    else:
        return form, None
    program = chosen.get("program")
    selected = frozenset({program.pk} if program else program_ids)
    return form, Filters(
        selected, chosen["start"], chosen["end"], GroupBy(chosen["group_by"]), today
    )


def _audit(request: HttpRequest, action: str, filters: Filters, export: str = "") -> None:
    detail = {
        "programs": sorted(filters.program_ids),
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "group_by": filters.group_by.value,
    }
    if export:
        detail["format"] = export
    audit_record(
        actor=actor_from_request(request),
        entry=Entry(action=action, category=DataCategory.REPORTS, detail=detail),
    )


def _context(filters: Filters, page: str | None = None) -> dict[str, Any]:
    """The page shows one page of groups (``page``); the PDF, every group (page None)."""
    report = outcomes_report(filters, page=page)
    overall, groups = report.overall, report.groups
    rows = [
        (o.instrument.short_title, o.comparisons[0].result, o.instrument.max_total)
        for o in overall.instruments
        if o.comparisons and o.comparisons[0].timepoint == "discharge"
    ]
    change_rows, change_height = charts.change_plot(rows)
    return {
        "filters": filters,
        "overall": overall,
        "overall_list": [overall],
        "groups": groups,
        "page": report.page,
        "change_rows": change_rows,
        "change_height": change_height,
        "generated_at": clock.now(),
    }


@requires(Capability.VIEW_OUTCOMES)
def outcomes_view(request: HttpRequest) -> HttpResponse:
    form, filters = _form(request)
    if filters is None:
        return render(request, "measures/outcomes.html", {"form": form}, status=400)
    _audit(request, "OUTCOMES_REPORT_VIEWED", filters)
    query = request.GET.copy()
    page = query.pop("page", ["1"])[-1]
    context = {"form": form, "query": query.urlencode(), **_context(filters, page)}
    return render(request, "measures/outcomes.html", context)


CSV_COLUMNS = (
    "group_by", "group", "instrument", "comparison", "episodes_expected", "n_pairs",
    "missing_intake", "missing_followup", "intake_mean", "intake_sd", "post_mean", "post_sd",
    "d_av", "d_av_ci_low", "d_av_ci_high", "d_z", "d_z_ci_low", "d_z_ci_high",
    "pct_reliable_improvement", "pct_reliable_deterioration", "pct_recovered",
    "pct_response", "pct_remission", "pct_below_cutoff_post",
)  # fmt: skip


def _csv_rows(group_by: str, groups: list[GroupOutcome]) -> list[list[object]]:
    rows: list[list[object]] = []
    for group in groups:
        for outcome in group.instruments:
            for c in outcome.comparisons:
                r = c.result
                rows.append([
                    group_by, neutralize(group.label), outcome.instrument.short_title, c.label,
                    c.expected, r.n_pairs, c.missing_pre, c.missing_post,
                    r.pre.mean, r.pre.sd, r.post.mean, r.post.sd,
                    r.d_av.value, r.d_av.ci_low, r.d_av.ci_high,
                    r.d_z.value, r.d_z.ci_low, r.d_z.ci_high,
                    r.pct(r.reliable_improvement), r.pct(r.reliable_deterioration),
                    r.pct(r.recovered), r.pct(r.response), r.pct(r.remission),
                    r.pct(r.below_cutoff_post),
                ])  # fmt: skip
    return rows


def _number(value: object) -> object:
    return round(value, 3) if isinstance(value, float) else ("" if value is None else value)


def _export(
    request: HttpRequest, kind: str, content_type: str, build: Callable[[Filters], str | bytes]
) -> HttpResponse:
    """One download of the report: the same filters as the page, audited as an export."""
    _, filters = _form(request)
    if filters is None:
        return HttpResponse(
            "The filters are not valid; fix them on the report page.",
            status=400,
            content_type="text/plain",
        )
    _audit(request, "OUTCOMES_REPORT_EXPORTED", filters, kind)
    response = HttpResponse(build(filters), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="openiop-outcomes.{kind}"'
    return response


def _csv(filters: Filters) -> str:
    report = outcomes_report(filters)
    overall, groups = report.overall, report.groups
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows("all", [overall]) + _csv_rows(filters.group_by.value, groups):
        writer.writerow([_number(v) for v in row])
    return buffer.getvalue()


def _pdf(filters: Filters) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy; only this export

    html = render_to_string("measures/outcomes_pdf.html", _context(filters))
    # The template inlines its styles and SVG: WeasyPrint fetches nothing over the network.
    return bytes(HTML(string=html).write_pdf())


@requires(Capability.VIEW_OUTCOMES)
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv", "text/csv; charset=utf-8", _csv)


@requires(Capability.VIEW_OUTCOMES)
def outcomes_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf", "application/pdf", _pdf)
