"""The import page: upload a CSV or XLSX of past complaints; either every row is imported, or
nothing is and the page lists each problem by row and column (see importing.py)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.complaints import importing
from csm.complaints.views.base import actor_of, in_org_timezone
from csm.core.errors import InvalidInput
from csm.core.forms import add_domain_errors

SHOWN_ERRORS = 500

COLUMN_HELP = (
    ("reference", False, _("Kept when it is not used yet in this organisation; generated when empty.")),
    ("received_at", True, _('When it was received: ISO 8601 or "YYYY-MM-DD HH:MM" in the organisation\'s '
                            "timezone; not in the future.")),
    ("channel", True, _("web, phone, email, letter, in_person, chat, social or kiosk (or the English label).")),
    ("complainant_name", True, _("The complainant's name.")),
    ("complainant_email", False, _("No e-mail is sent to imported complaints.")),
    ("complainant_phone", False, ""),
    ("language", False, _("Language code, e.g. en, pl, zh-hans; the organisation's default when empty.")),
    ("service", False, _("The name of one of the organisation's services.")),
    ("touch_point", False, _("The name or code of one of the organisation's touch points.")),
    ("category", False, _("The name of one of the organisation's complaint categories.")),
    ("priority", False, _("low, normal, high or urgent; normal when empty.")),
    ("description", True, _("What the complaint is about.")),
    ("remedy_sought", False, ""),
    ("status", False, _('"received" (default) or "closed".')),
    ("closed_at", False, _('Required for "closed": when it was closed, in the same format as received_at.')),
    ("closure_reason", False, _('Required for "closed".')),
)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("UTF-8 CSV (comma or semicolon) or XLSX; at most 10,000 rows and 5 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


@org_view(roles.COMPLAINTS_HANDLE)
@in_org_timezone
def import_page(request: HttpRequest) -> HttpResponse:
    if request.GET.get("download") == "template":
        return HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="complaints-import-template.csv"'})
    form = ImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        report, status = _handle(request, form)
    context = {"form": form, "report": report, "columns": COLUMN_HELP,
               "shown_errors": report.errors[:SHOWN_ERRORS] if report else (),
               "hidden_errors": max(0, len(report.errors) - SHOWN_ERRORS) if report else 0}
    return render(request, "complaints/staff/import.html", context, status=status)


def _handle(request: HttpRequest, form: ImportForm) -> tuple[importing.ImportReport | None, int]:
    if not form.is_valid():
        return None, 422
    upload = form.cleaned_data["file"]
    try:
        report = importing.import_complaints(actor=actor_of(request), content=upload.read(),
                                             filename=upload.name or "")
    except InvalidInput as exc:
        add_domain_errors(form, exc)
        return None, 422
    return report, 200 if report.ok else 422
