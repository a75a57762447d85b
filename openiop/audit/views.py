"""The auditor's report: filter, sort, page and export the audit trail (security.md R20)."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from openiop.audit.chain import HASHED_FIELDS
from openiop.audit.forms import AuditFilterForm
from openiop.audit.models import DataCategory
from openiop.audit.selectors import (
    SORTABLE_COLUMNS,
    AuditFilter,
    audit_action_names,
    audit_event_list,
)
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.policy import requires
from openiop.core.spreadsheets import neutralize

CSV_COLUMNS = (*(f for f in HASHED_FIELDS if f != "detail"), "row_hash")


def _filters(form: AuditFilterForm) -> AuditFilter:
    if not form.is_valid():
        return AuditFilter()
    cd = form.cleaned_data
    start = dt.datetime.combine(cd["start"], dt.time.min, tzinfo=dt.UTC) if cd["start"] else None
    end = (
        dt.datetime.combine(cd["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
        if cd["end"]
        else None
    )
    return AuditFilter(
        start=start,
        end=end,
        actor=cd["actor"].strip(),
        patient_id=cd["patient"],
        action=cd["action"].strip().upper(),
        outcome=cd["outcome"],
        category=cd["category"],
        part2_only=cd["part2_only"],
        sort=cd["sort"] or "-seq",
    )


def _audit_report_use(request: HttpRequest, filters: AuditFilter, action: str) -> None:
    """Reading the audit trail is itself audited."""
    detail = {
        name: str(getattr(filters, name))
        for name in AuditFilter.__slots__
        if getattr(filters, name) not in (None, "", False)
    }
    audit_record(
        actor=actor_from_request(request),
        entry=Entry(action=action, category=DataCategory.AUDIT, detail=detail),
    )


@requires(Capability.VIEW_AUDIT_LOG)
def report(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = _filters(form)
    _audit_report_use(request, filters, "AUDIT_REPORT_VIEWED")
    page = Paginator(audit_event_list(filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "actions": audit_action_names(),
        "base_query": query.urlencode(),
        "columns": SORTABLE_COLUMNS,
    }
    return render(request, "audit/report.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@requires(Capability.VIEW_AUDIT_LOG)
def export_csv(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "The filters are not valid; fix them on the report page.",
            status=400,
            content_type="text/plain",
        )
    filters = _filters(form)
    _audit_report_use(request, filters, "AUDIT_REPORT_EXPORTED")
    writer = csv.writer(_Echo())
    events = audit_event_list(filters=filters).values_list(*CSV_COLUMNS).iterator(chunk_size=2000)

    def rows() -> Any:
        yield writer.writerow(CSV_COLUMNS)
        for event in events:
            yield writer.writerow([neutralize(v) for v in event])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="openiop-audit.csv"'
    return response
