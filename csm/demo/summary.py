"""The box `seed-demo` prints: where to sign in, with which accounts, and how to call the API.

Plain ASCII only, so the frame lines up in any terminal (the Chinese organisation is named in English).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse

from csm.accounts.roles import Role
from csm.demo.assessments import showcase
from csm.demo.seeding import DEMO_PASSWORD
from csm.demo.services import DEMO_ORGS, SHARED_EMAIL, SHARED_ROLE


def _path(name: str, fallback: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


def _login_path() -> str:
    try:
        return resolve_url(settings.LOGIN_URL)
    except NoReverseMatch:
        return "/login/"


def _account(email: str, role: str) -> str:
    return f"    {email:<34}{Role(role).label}"


def _assessment_tour(base: str, slug: str) -> list[str]:
    """The assessment pages worth opening: the independent report, its PDF and public check, and the
    comparisons; nothing when the organisation has no independent report."""
    found = showcase(slug)
    if found is None:
        return []
    org = {"org_slug": slug}
    report = {**org, "report_id": str(found.report_id)}
    home = f"/o/{slug}/assessments/"
    pages = [
        ("Assessments", _path("assessments:list", home, **org)),
        (f"Report {found.report_number}", _path("assessments:report", f"{home}reports/{found.report_id}/", **report)),
        ("Report PDF", _path("assessments:report_pdf", f"{home}reports/{found.report_id}/pdf/", **report)),
    ]
    if found.certificate_code:
        code = found.certificate_code
        pages.append(("Public check", _path("assessments_public:verify", f"/verify/{code}/", code=code)))
    pages += [(label, _path(f"assessments:{name}", f"{home}{name}/", **org)) for label, name in (
        ("Progress", "progress"), ("Unit benchmark", "benchmark"), ("Self vs independent", "gap"),
        ("Improvement items", "improvements"))]
    return ["  Assessments:", *(f"    {label:<22}{base}{path}" for label, path in pages)]


def demo_lines(base_url: str, api_token: str | None) -> list[str]:
    base = base_url.rstrip("/")
    lines = [
        "CSM demo", "",
        f"Sign in   {base}{_login_path()}",
        f"Password  {DEMO_PASSWORD}  (every demo account)",
    ]
    for spec in DEMO_ORGS:
        home = _path("dashboard", f"/o/{spec.slug}/", org_slug=spec.slug)
        lines += ["", f"{spec.name}  {base}{home}"]
        lines += [_account(f"{p.mailbox}@{spec.email_domain}", p.role) for p in spec.people]
        lines += _assessment_tour(base, spec.slug)
    lines += [
        "",
        "Member of both organisations (try the organisation switcher):",
        _account(SHARED_EMAIL, SHARED_ROLE),
    ]
    api = base + _path("api:openapi-view", "/api/v1/docs")
    lines += ["", f"API docs  {api}"]
    if api_token:
        lines.append(f"Token     {api_token}  (admin@{DEMO_ORGS[0].email_domain})")
    return lines


def curl_example(base_url: str, api_token: str) -> str:
    url = f"{base_url.rstrip('/')}/api/v1/touch-points?limit=5"
    return f"Try: curl -H 'Authorization: Bearer {api_token}' '{url}'"


def framed(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join([rule, *(f"| {line:<{width}} |" for line in lines), rule])
