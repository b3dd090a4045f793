"""The quality manager's survey pages: who may open them (charlie sees nothing of acme's, bob reads
surveys and works follow-ups but may not build or publish), a survey made from a starter, the
builder's round trip, its check and its publishing, status moves that keep the responses, the item
bank, and the follow-ups with their answers."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from csm.catalogue.models import ServiceCharacteristic
from csm.core.models import AuditEvent
from csm.surveys.models import (
    FollowUp,
    FollowUpStatus,
    Response,
    Survey,
    SurveyItem,
    SurveyStatus,
    SurveyVersion,
)
from csm.surveys.services import authoring
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db


def url(name: str, org: str = "acme", **kwargs: Any) -> str:
    return reverse(f"surveys:{name}", kwargs={"org_slug": org, **kwargs})


class FormFields(HTMLParser):
    """The fields a browser would post from the form with `form_id`: inputs (boxes when ticked),
    selects (the selected option, else the first) and textareas; no buttons."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.setdefault(a["name"], []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self.select, self.first_option = a.get("name"), None
        elif tag == "option" and self.select:
            self.first_option = a.get("value", "") if self.first_option is None else self.first_option
            if "selected" in a:
                self.fields.setdefault(self.select, []).append(a.get("value", ""))
        elif tag == "textarea":
            self.textarea = a.get("name")
            self.fields.setdefault(self.textarea or "", []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if self.select not in self.fields and self.first_option is not None:
                self.fields[self.select] = [self.first_option]
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.inside:
            self.fields[self.textarea][-1] += data


def builder_form(client, survey: Survey) -> dict[str, list[str]]:
    parser = FormFields("builder")
    parser.feed(client.get(url("builder", pk=survey.pk)).content.decode())
    return parser.fields


def post_builder(client, survey: Survey, op: str, fields: dict[str, list[str]] | None = None, **headers: Any):
    data = {**(fields if fields is not None else builder_form(client, survey)), "op": [op]}
    return client.post(url("builder", pk=survey.pk), data, headers=headers)


def bank_item(persona, code: str, en: str, **text: str) -> SurveyItem:
    characteristic = ServiceCharacteristic.objects.create(organization=persona.organization, name=en, kind="staff")
    return authoring.create_item(actor=persona.actor, data={"code": code, "text": {"en": en, **text},
                                                            "characteristic": characteristic})


# Who may open what ---------------------------------------------------------------------------------

PAGES = [("list", False, {}), ("create", False, {}), ("detail", True, {}), ("settings", True, {}),
         ("builder", True, {}), ("preview", True, {}), ("version", True, {"number": 1}), ("items", False, {}),
         ("item_create", False, {}), ("follow_ups", False, {})]
BOB_MAY = {"list", "detail", "preview", "version", "follow_ups"}
CAROL_MAY = {"list", "detail", "preview", "version"}


@pytest.mark.parametrize(("name", "needs_survey", "extra"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_is_open_to_the_roles_allowed_it(alice, bob, carol, name, needs_survey, extra):
    survey = published_survey(alice)
    kwargs = {"pk": survey.pk, **extra} if needs_survey else {}
    assert alice.browser().get(url(name, **kwargs)).status_code == 200
    assert bob.browser().get(url(name, **kwargs)).status_code == (200 if name in BOB_MAY else 403)
    assert carol.browser().get(url(name, **kwargs)).status_code == (200 if name in CAROL_MAY else 403)


@pytest.mark.parametrize(("name", "extra"), [("detail", {}), ("settings", {}), ("builder", {}), ("preview", {}),
                                             ("version", {"number": 1})])
def test_charlie_gets_not_found_on_acme_surveys(alice, charlie, name, extra):
    survey = published_survey(alice)
    client = charlie.browser()
    assert client.get(url(name, pk=survey.pk, **extra)).status_code == 404
    assert client.get(url(name, org="acme", pk=survey.pk, **extra)).status_code == 404
    assert client.get(url(name, org="globex", pk=survey.pk, **extra)).status_code == 404


def test_charlie_cannot_change_acme_surveys_items_or_follow_ups(alice, charlie):
    survey = published_survey(alice)
    item = bank_item(alice, "staff", "Staff")
    response = submit_response(survey=survey, submission=Submission(full_answers(nps=2), new_key(), complete=True))
    follow_up = FollowUp.objects.get()
    client = charlie.browser()
    before = (list(Survey.objects.values()), list(SurveyItem.objects.values()), list(FollowUp.objects.values()))
    for path, data in [(url("status", org="globex", pk=survey.pk), {"status": "closed"}),
                       (url("publish", org="globex", pk=survey.pk), {}),
                       (url("builder", org="globex", pk=survey.pk), {"op": "save_json", "json": "{}"}),
                       (url("item_edit", org="globex", pk=item.pk), {"code": "x", "text_en": "x"}),
                       (url("follow_up", org="globex", pk=follow_up.pk), {"note": "done"})]:
        assert client.post(path, data).status_code == 404, path
    assert client.get(url("response", org="globex", pk=response.response.pk)).status_code == 404
    assert (list(Survey.objects.values()), list(SurveyItem.objects.values()), list(FollowUp.objects.values())) == before


def test_charlies_lists_show_nothing_of_acme(alice, charlie):
    published_survey(alice, name="Acme guests")
    bank_item(alice, "acme-staff", "Acme staff")
    submit_response(survey=Survey.objects.get(), submission=Submission(full_answers(nps=1), new_key(), complete=True))
    published_survey(charlie, name="Globex callers")
    client = charlie.browser()
    listing = client.get(url("list", org="globex")).content.decode()
    assert "Globex callers" in listing and "Acme guests" not in listing
    assert "acme-staff" not in client.get(url("items", org="globex")).content.decode()
    follow_ups = client.get(url("follow_ups", org="globex")).content.decode()
    assert "No follow-ups here." in follow_ups
    assert "Acme staff" not in client.get(url("create", org="globex")).content.decode()


def test_bob_reads_a_survey_but_cannot_publish_or_close_it(alice, bob):
    survey = published_survey(alice)
    authoring.save_draft(actor=alice.actor, survey=survey, draft={**survey.draft, "title": {
        **survey.draft["title"], "en": "New"}})
    client = bob.browser()
    page = client.get(url("detail", pk=survey.pk)).content.decode()
    assert "Guest survey" in page and url("publish", pk=survey.pk) not in page and url("status", pk=survey.pk) not in page
    assert client.post(url("publish", pk=survey.pk)).status_code == 403
    assert client.post(url("status", pk=survey.pk), {"status": "closed"}).status_code == 403
    assert client.post(url("builder", pk=survey.pk), {"op": "publish"}).status_code == 403
    survey.refresh_from_db()
    assert (survey.status, SurveyVersion.objects.count()) == (SurveyStatus.OPEN, 1)


# The list and a new survey -------------------------------------------------------------------------

def test_the_list_shows_each_survey_with_its_counts_and_filters_by_status(alice):
    survey = published_survey(alice, name="Hotel guests")
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    submit_response(survey=survey, submission=Submission({"chars.room": 3}, new_key(), complete=False))
    authoring.create_survey(actor=alice.actor, data={"name": "Spa draft"})
    page = alice.browser().get(url("list")).content.decode()
    assert "Hotel guests" in page and "Spa draft" in page and "New survey" in page
    row = page[page.index("Hotel guests"):page.index("Hotel guests") + 1500]
    assert '<td class="numeric">1</td>' in row and reverse("surveys_public:respond", args=[survey.public_key]) in row
    filtered = alice.browser().get(url("list"), {"status": "draft"}).content.decode()
    assert "Spa draft" in filtered and "Hotel guests" not in filtered


def test_a_survey_is_made_from_the_starter_with_the_items_and_characteristics_ticked(alice):
    staff = bank_item(alice, "staff-friendly", "Friendly staff", pl="Uprzejmy personel", **{"zh-Hans": "员工友好"})
    clean = ServiceCharacteristic.objects.create(organization=alice.organization, name="Clean room", kind="venue")
    response = alice.browser().post(url("create"), {
        "name": "Guests", "purpose": "post_service", "starter": "post_service", "items": [staff.pk],
        "characteristics": [clean.pk, staff.characteristic_id]})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == url("builder", pk=survey.pk)
    rows = survey.draft["pages"][0]["questions"][0]["rows"]
    assert rows == [
        {"id": "staff_friendly", "label": {"en": "Friendly staff", "pl": "Uprzejmy personel", "zh-Hans": "员工友好"},
         "item": "staff-friendly", "characteristic": staff.characteristic_id, "touch_point": None},
        {"id": "clean_room", "label": {"en": "Clean room", "pl": "Clean room", "zh-Hans": "Clean room"}, "item": None,
         "characteristic": clean.pk, "touch_point": None}]
    assert (survey.status, survey.created_by, authoring.draft_problems(survey=survey)) == (
        SurveyStatus.DRAFT, alice.user, [])


def test_an_anonymous_survey_starts_without_the_contact_question(alice):
    staff = bank_item(alice, "staff", "Staff", pl="Personel", **{"zh-Hans": "员工"})
    alice.browser().post(url("create"), {"name": "Anon", "purpose": "post_service", "starter": "post_service",
                                         "items": [staff.pk], "is_anonymous": "on"})
    survey = Survey.objects.get()
    assert survey.is_anonymous and authoring.draft_problems(survey=survey) == []
    assert "contact" not in {q["type"] for page in survey.draft["pages"] for q in page["questions"]}


def test_a_new_survey_needs_a_characteristic_and_only_the_organisations_own(alice, charlie):
    theirs = bank_item(charlie, "globex", "Globex")
    page = alice.browser().post(url("create"), {"name": "Guests", "purpose": "post_service",
                                                "starter": "post_service"})
    assert page.status_code == 200 and "Tick at least one characteristic" in page.content.decode()
    page = alice.browser().post(url("create"), {"name": "Guests", "purpose": "post_service",
                                                "starter": "post_service", "items": [theirs.pk]})
    assert "is not one of the available choices" in page.content.decode()
    assert not Survey.objects.filter(organization=alice.organization).exists()


def test_a_pre_service_survey_is_linked_to_a_post_service_one(alice):
    post = published_survey(alice, name="After")
    staff = bank_item(alice, "staff", "Staff")
    alice.browser().post(url("create"), {"name": "Before", "purpose": "pre_service", "starter": "pre_service",
                                         "items": [staff.pk], "expectations_for": post.pk})
    before = Survey.objects.get(name="Before")
    assert before.expectations_for == post and before.draft["pages"][0]["questions"][0]["second"] is None
    page = alice.browser().get(url("detail", pk=post.pk)).content.decode()
    assert "Expectations asked by" in page and "Before" in page


# The builder ---------------------------------------------------------------------------------------

def test_saving_the_untouched_builder_keeps_the_draft_and_writes_nothing(alice):
    survey = published_survey(alice)
    events = AuditEvent.objects.count()
    response = post_builder(alice.browser(), survey, "save")
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.draft == survey.current_version.content
    assert AuditEvent.objects.count() == events


def test_the_builder_edits_the_draft_and_a_published_version_never_changes(alice):
    survey = published_survey(alice)
    client = alice.browser()
    fields = builder_form(client, survey)
    fields["p1.q1.text.en"] = ["Would you recommend us?"]
    post_builder(client, survey, "save", fields)
    survey.refresh_from_db()
    assert survey.draft["pages"][1]["questions"][1]["text"]["en"] == "Would you recommend us?"
    assert survey.current_version.content["pages"][1]["questions"][1]["text"]["en"].startswith("How likely")
    page = client.get(url("builder", pk=survey.pk)).content.decode()
    assert "publishing it creates version 2" in page and "keep the version they answered" in page


def test_adding_a_question_with_htmx_returns_the_redrawn_form(alice):
    survey = published_survey(alice)
    client = alice.browser()
    fields = {**builder_form(client, survey), "p1.new_type": ["yes_no"]}
    response = post_builder(client, survey, "add_question:1", fields, HX_Request="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="builder-area" data-focus="q-1-6">')
    assert "<html" not in html and 'name="p1.q6.id" value="yes_no"' in html
    survey.refresh_from_db()
    assert survey.draft["pages"][1]["questions"][6] == {"id": "yes_no", "type": "yes_no", "required": False,
                                                        "text": {}}


def test_without_htmx_an_edit_reloads_the_page_at_the_edited_question(alice):
    survey = published_survey(alice)
    response = post_builder(alice.browser(), survey, "down:0:0")
    assert response["Location"] == url("builder", pk=survey.pk) + "?focus=q-0-1#q-0-1"
    survey.refresh_from_db()
    assert [q["id"] for q in survey.draft["pages"][0]["questions"]] == ["overall", "chars"]


def test_check_lists_every_problem_with_its_place_and_publish_refuses_them(alice):
    survey = published_survey(alice)
    client = alice.browser()
    fields = builder_form(client, survey)
    fields.update({"p1.q1.text.pl": [""], "p0.q0.r1.id": ["Staff"]})
    page = post_builder(client, survey, "check", fields).content.decode()
    assert "2 problems stop this draft being published" in page
    assert 'href="#q-0-0">Page 1, question 1 (chars)</a> · <code>rows[1].id</code>: must be a lower-case id' in page
    assert 'href="#q-1-1">Page 2, question 2 (nps)</a> · <code>text.pl</code>: is missing' in page
    response = post_builder(client, survey, "publish", builder_form(client, survey))
    assert response.status_code == 422 and "2 problems stop this draft being published" in response.content.decode()
    assert SurveyVersion.objects.count() == 1


def test_publishing_from_the_builder_makes_the_next_version(alice):
    survey = published_survey(alice)
    client = alice.browser()
    fields = builder_form(client, survey)
    fields["title.en"] = ["Tell us"]
    response = post_builder(client, survey, "publish", fields)
    assert response["Location"] == url("detail", pk=survey.pk)
    assert list(SurveyVersion.objects.values_list("number", flat=True)) == [1, 2]
    htmx = post_builder(client, survey, "publish", HX_Request="true")
    assert "Nothing has changed since version 2." in htmx.content.decode()


def test_the_json_editor_replaces_the_draft_or_says_why_not(alice):
    survey = published_survey(alice)
    client = alice.browser()
    bad = client.post(url("builder", pk=survey.pk), {"op": "save_json", "json": '{"pages": ['})
    assert bad.status_code == 422 and "This is not valid JSON" in bad.content.decode()
    bad = client.post(url("builder", pk=survey.pk), {"op": "save_json", "json": "[1, 2]"})
    assert bad.status_code == 422 and "The draft must be a JSON object." in bad.content.decode()
    survey.refresh_from_db()
    assert survey.draft == survey.current_version.content
    draft = {**survey.draft, "title": {"en": "T", "pl": "T", "zh-Hans": "T"}}
    assert client.post(url("builder", pk=survey.pk), {"op": "save_json", "json": json.dumps(draft)}).status_code == 302
    survey.refresh_from_db()
    assert survey.draft == draft


def test_the_scale_of_a_published_survey_is_shown_but_not_posted(alice):
    survey = published_survey(alice)
    fields = builder_form(alice.browser(), survey)
    assert "scale" not in fields and fields["satisfied_min"] == ["4"]


# A survey's page, versions and preview -------------------------------------------------------------

def test_the_survey_page_shows_versions_links_counts_and_the_closing_promise(alice):
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    page = alice.browser().get(url("detail", pk=survey.pk)).content.decode()
    assert "http://testserver" + reverse("surveys_public:respond", args=[survey.public_key]) in page
    assert reverse("surveys_public:kiosk", args=[survey.public_key]) in page
    assert url("version", pk=survey.pk, number=1) in page
    assert "Closing keeps its 1 response: nothing is moved or deleted." in page
    assert "The draft is the same as version 1." in page


def test_closing_and_archiving_from_the_page_keep_the_responses(alice):
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    client = alice.browser()
    for status in ("closed", "archived"):
        assert client.post(url("status", pk=survey.pk), {"status": status}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ARCHIVED and Response.objects.filter(survey=survey).count() == 1
    client.post(url("status", pk=survey.pk), {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.ARCHIVED


def test_publishing_a_draft_with_problems_from_the_survey_page_leads_to_the_check(alice):
    survey = authoring.create_survey(actor=alice.actor, data={"name": "Empty"})
    response = alice.browser().post(url("publish", pk=survey.pk))
    assert response["Location"] == url("builder", pk=survey.pk) + "?check=1"
    page = alice.browser().get(response["Location"]).content.decode()
    assert "must list some of en, pl, zh-Hans" in page


def test_a_version_page_lists_its_questions_read_only(alice):
    survey = published_survey(alice)
    page = alice.browser().get(url("version", pk=survey.pk, number=1), {"lang": "pl"}).content.decode()
    assert "Jak oceniasz naszą obsługę?" in page and "<code>why_low</code>" in page and "overall ≤ 3" in page
    assert "<input" not in page.split('id="main"')[1]
    assert alice.browser().get(url("version", pk=survey.pk, number=2)).status_code == 404


def test_the_preview_draws_the_draft_as_the_respondent_sees_it_with_nothing_to_send(alice):
    survey = published_survey(alice)
    page = alice.browser().get(url("preview", pk=survey.pk), {"lang": "zh-Hans"}).content.decode()
    assert "您对我们的服务满意吗？" in page and "仅在 overall ≤ 3 时显示" in page
    assert '<fieldset disabled class="preview-fields">' in page and "<form" not in page.split("<main")[1]
    broken = authoring.create_survey(actor=alice.actor, data={"name": "Empty"})
    assert "The draft cannot be shown yet" in alice.browser().get(url("preview", pk=broken.pk)).content.decode()


def test_the_settings_page_saves_through_the_service_and_locks_anonymity_once_published(alice):
    survey = published_survey(alice)
    client = alice.browser()
    page = client.get(url("settings", pk=survey.pk)).content.decode()
    assert '<input type="checkbox" name="is_anonymous" disabled' in page
    response = client.post(url("settings", pk=survey.pk), {"name": "Renamed", "purpose": "post_service",
                                                           "is_anonymous": "on", "retention_days": 365})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.name, survey.is_anonymous, survey.retention_days) == ("Renamed", False, 365)


# The item bank -------------------------------------------------------------------------------------

def test_an_item_is_added_and_edited_with_its_words_and_its_organisations_characteristic(alice, charlie):
    mine = ServiceCharacteristic.objects.create(organization=alice.organization, name="Staff", kind="staff")
    theirs = ServiceCharacteristic.objects.create(organization=charlie.organization, name="Globex", kind="staff")
    client = alice.browser()
    refused = client.post(url("item_create"), {"code": "staff", "text_en": "Staff", "characteristic": theirs.pk})
    assert "is not one of the available choices" in refused.content.decode() and not SurveyItem.objects.exists()
    client.post(url("item_create"), {"code": "staff", "text_en": "Staff", "text_zh": "员工",
                                     "characteristic": mine.pk, "is_active": "on"})
    item = SurveyItem.objects.get()
    assert (item.text, item.characteristic, item.is_active) == ({"en": "Staff", "zh-Hans": "员工"}, mine, True)
    client.post(url("item_edit", pk=item.pk), {"code": "staff", "text_pl": "Personel"})
    item.refresh_from_db()
    assert (item.text, item.characteristic, item.is_active) == ({"pl": "Personel"}, None, False)
    assert "Personel" in client.get(url("items")).content.decode()
    empty = client.post(url("item_edit", pk=item.pk), {"code": "staff"})
    assert "Give the wording in at least one language." in empty.content.decode()


# Follow-ups ----------------------------------------------------------------------------------------

def test_open_follow_ups_are_listed_and_one_shows_its_answers_and_closes(alice, bob):
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(nps=3, comment="Noisy room"), new_key(),
                                                         complete=True))
    follow_up = FollowUp.objects.get()
    client = bob.browser()
    listing = client.get(url("follow_ups")).content.decode()
    assert "Detractor" in listing and "Guest survey" in listing
    page = client.get(url("follow_up", pk=follow_up.pk)).content.decode()
    assert "Noisy room" in page and "Check-in time" in page and "How likely are you to recommend us" in page
    refused = client.post(url("follow_up", pk=follow_up.pk), {"note": ""})
    assert refused.status_code == 422 and FollowUp.objects.get().status == FollowUpStatus.OPEN
    client.post(url("follow_up", pk=follow_up.pk), {"note": "Called; moved to a quiet room."})
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.note, follow_up.assignee) == (
        FollowUpStatus.DONE, "Called; moved to a quiet room.", bob.user)
    assert "No follow-ups here." in client.get(url("follow_ups")).content.decode()
    assert "Detractor" in client.get(url("follow_ups"), {"status": "done"}).content.decode()


def test_a_response_page_shows_its_answers_to_those_who_follow_up(alice, bob, carol):
    survey = published_survey(alice)
    response = submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True)).response
    page = bob.browser().get(url("response", pk=response.pk)).content.decode()
    assert "Lovely stay" in page and "Business" in page
    assert carol.browser().get(url("response", pk=response.pk)).status_code == 403
    assert carol.browser().get(url("follow_ups")).status_code == 403
