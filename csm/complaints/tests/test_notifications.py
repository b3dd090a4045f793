import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult, get_date_max

from csm.accounts.roles import Role
from csm.complaints.models import (
    Complaint,
    ComplaintSettings,
    EscalationTier,
    Notification,
    NotificationStatus,
    Outcome,
)
from csm.complaints.notifications import (
    escalation_owners,
    prepare_notification,
    queue_escalation_notifications,
    queue_notification,
    queue_prepared,
    render_notification,
)
from csm.complaints.tasks import LINK_REMOVED, send_notification
from csm.complaints.workflow import Status
from csm.core import clock

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TRACKING_URL = "https://csm.example/c/acme/track/s3cr3t-token/"
MESSAGE_ID = re.compile(r"<csm\.acme\.C-2026-000123\.[0-9a-f]{32}@csm\.localhost>")


def _complaint(organization, **fields):
    defaults = {
        "organization": organization, "reference": "C-2026-000123", "tracking_secret": "x", "channel": "web",
        "received_at": T0, "complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com",
        "description": "The room was not cleaned.", "language": "en",
        "acknowledge_due_at": dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC),
        "respond_due_at": dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC),
        "resolve_due_at": dt.datetime(2026, 3, 23, 15, 0, tzinfo=dt.UTC),
    }
    return Complaint.objects.create(**{**defaults, **fields})


@pytest.fixture
def frozen():
    with clock.frozen(T0):
        yield


def _acknowledge(complaint):
    return queue_notification(complaint=complaint, template="acknowledgement",
                              context={"tracking_url": TRACKING_URL})


# The acknowledgement ---------------------------------------------------------------------------------

def test_the_acknowledgement_states_the_due_dates_in_the_organisations_time_zone(acme, frozen):
    notification = _acknowledge(_complaint(acme))

    [email] = mail.outbox
    assert email.to == ["jan@example.com"]
    assert email.subject == "[C-2026-000123] We have received your complaint"
    assert email.body == (
        "Dear Jan Kowalski,\n\n"
        "Thank you for telling us about your experience. "
        "We received your complaint on March 2, 2026, 10 a.m. "
        "and registered it under the reference C-2026-000123.\n\n"
        "What you told us:\n"
        "The room was not cleaned.\n\n"
        "What happens next:\n"
        "- we confirm that we have started handling your complaint by March 3, 2026, 10 a.m.\n"
        "- we send you our response by March 16, 2026, 4 p.m.\n"
        "- we expect to resolve your complaint by March 23, 2026, 4 p.m.\n"
        "Times are given in the Europe/Warsaw time zone. If we need more time, we will tell you why.\n\n"
        "You can follow your complaint at any time on its private page. Do not share this link: anyone who "
        "has it can see your complaint.\n"
        f"{TRACKING_URL}\n\n"
        "Kind regards,\n"
        "Acme Hotels\n\n"
        "--\n"
        "Please keep the reference C-2026-000123 in the subject if you reply to this e-mail.\n"
    )
    assert notification.template == "acknowledgement"
    assert notification.organization_id == acme.pk


def test_the_acknowledgement_carries_our_message_id_and_is_marked_automatic(acme, frozen):
    notification = _acknowledge(_complaint(acme))

    [email] = mail.outbox
    assert MESSAGE_ID.fullmatch(email.extra_headers["Message-ID"])
    assert email.extra_headers["Message-ID"] == notification.message_id
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "In-Reply-To" not in email.extra_headers
    assert "References" not in email.extra_headers
    assert email.message()["Message-ID"] == notification.message_id


def test_every_notification_gets_its_own_message_id(acme, frozen):
    complaint = _complaint(acme)
    first, second = _acknowledge(complaint), _acknowledge(complaint)
    assert first.message_id != second.message_id


@pytest.mark.parametrize(("language", "subject", "dates", "line"), [
    ("pl", "[C-2026-000123] Otrzymaliśmy Twoją reklamację",
     ["2 marca 2026 10:00", "3 marca 2026 10:00", "16 marca 2026 16:00", "23 marca 2026 16:00"],
     "- do 16 marca 2026 16:00 wyślemy Ci naszą odpowiedź\n"),
    ("zh-hans", "[C-2026-000123] 我们已收到您的投诉",
     ["2026年3月2日 10:00", "2026年3月3日 10:00", "2026年3月16日 16:00", "2026年3月23日 16:00"],
     "- 我们将于 2026年3月16日 16:00 前向您答复\n"),
])
def test_the_acknowledgement_is_written_in_the_complainants_language(acme, frozen, language, subject, dates, line):
    _acknowledge(_complaint(acme, language=language))

    [email] = mail.outbox
    assert email.subject == subject
    assert line in email.body
    assert [date for date in dates if date not in email.body] == []
    assert "Dear" not in email.body
    assert "What happens next" not in email.body


def test_an_unsupported_language_falls_back_to_english(acme, frozen):
    _acknowledge(_complaint(acme, language="xx"))
    assert mail.outbox[0].subject == "[C-2026-000123] We have received your complaint"


def test_the_acknowledgement_leaves_out_the_dates_when_there_are_none(acme, frozen):
    _acknowledge(_complaint(acme, acknowledge_due_at=None, respond_due_at=None, resolve_due_at=None))
    body = mail.outbox[0].body
    assert "What happens next" not in body
    assert "time zone" not in body


def test_the_stored_copy_forgets_the_private_link_once_sent(acme, frozen):
    notification = _acknowledge(_complaint(acme))

    notification.refresh_from_db()
    assert TRACKING_URL in mail.outbox[0].body
    assert "s3cr3t-token" not in notification.body
    assert f"\n{LINK_REMOVED}\n" in notification.body
    assert notification.status == NotificationStatus.SENT


def test_a_description_with_markup_is_escaped_in_the_html_part(acme, frozen):
    _acknowledge(_complaint(acme, description='<script>alert("x")</script> & more'))

    [email] = mail.outbox
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert "<script>" not in html
    assert '<script>alert("x")</script> & more' in email.body


# Who gets what ---------------------------------------------------------------------------------------

def test_it_writes_to_no_one_when_the_complainant_left_no_e_mail(acme, frozen):
    assert _acknowledge(_complaint(acme, complainant_email="")) is None
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_it_writes_to_no_one_about_an_anonymised_complaint(acme, frozen):
    complaint = _complaint(acme, anonymised_at=T0)
    assert queue_notification(complaint=complaint, template="message", context={"message": "Hi"}) is None
    assert queue_notification(complaint=complaint, template="message", context={"message": "Hi"},
                              to="jan@example.com") is None
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_it_rejects_an_unknown_template(acme, frozen):
    with pytest.raises(ValueError, match="Unknown notification template 'welcome'"):
        queue_notification(complaint=_complaint(acme), template="welcome")
    assert Notification.objects.count() == 0


def test_a_reminder_goes_to_the_assignee_in_the_organisations_language(acme, bob, frozen):
    complaint = _complaint(acme, assignee=bob.user, next_due_at=dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC),
                           status=Status.ACKNOWLEDGED)
    notification = queue_notification(complaint=complaint, template="reminder",
                                      context={"complaint_url": "https://csm.example/o/acme/complaints/1/"})

    [email] = mail.outbox
    assert email.to == ["bob@acme.test"] == [notification.to]
    assert email.subject == "[C-2026-000123] Przypomnienie: zbliża się termin reklamacji"
    assert "3 marca 2026 10:00 (Europe/Warsaw)" in email.body
    assert "https://csm.example/o/acme/complaints/1/" in email.body
    assert "jan@example.com" not in email.body


def test_a_reminder_follows_the_assignees_preferred_language(acme, bob, frozen):
    bob.user.preferred_language = "en"
    bob.user.save()
    queue_notification(complaint=_complaint(acme, assignee=bob.user), template="reminder")
    assert mail.outbox[0].subject == "[C-2026-000123] Reminder: a complaint is due soon"
    assert mail.outbox[0].body.startswith(
        "Hello Bob,\n\nThe complaint C-2026-000123 assigned to you is due soon.")


def test_a_reminder_without_an_assignee_goes_nowhere(acme, frozen):
    assert queue_notification(complaint=_complaint(acme), template="reminder") is None
    assert Notification.objects.count() == 0


def test_an_escalation_goes_to_each_active_holder_of_the_tiers_role(acme, alice, bob, carol, frozen):
    tier = EscalationTier.objects.create(organization=acme, level=2, name="Management",
                                         owner_role=Role.ORG_ADMIN)
    alice.user.preferred_language = "zh-hans"
    alice.user.save()

    notifications = queue_escalation_notifications(complaint=_complaint(acme), tier=tier,
                                                   context={"reason": "Deadline missed"})

    assert [n.to for n in notifications] == ["alice@acme.test"]
    [email] = mail.outbox
    assert email.subject == "[C-2026-000123] 投诉已升级"
    assert "Deadline missed" in email.body


def test_an_external_tier_notifies_no_one(acme, alice, frozen):
    tier = EscalationTier.objects.create(organization=acme, level=3, name="Ombudsman",
                                         owner_role=Role.ORG_ADMIN, is_external=True)
    assert queue_escalation_notifications(complaint=_complaint(acme), tier=tier) == []
    assert Notification.objects.count() == 0


def test_other_organisations_members_are_never_escalated_to(acme, charlie, frozen):
    tier = EscalationTier.objects.create(organization=acme, level=2, name="Management",
                                         owner_role=Role.ORG_ADMIN)
    assert queue_escalation_notifications(complaint=_complaint(acme), tier=tier) == []


# The other customer mails ----------------------------------------------------------------------------

def test_the_decision_states_the_external_recourse(acme, frozen):
    ComplaintSettings.objects.create(organization=acme,
                                     external_recourse="Rzecznik Praw Konsumenta, Warszawa")
    complaint = _complaint(acme, outcome=Outcome.PARTLY_UPHELD, decision_text="We refund one night.",
                           status=Status.DECISION_COMMUNICATED)
    queue_notification(complaint=complaint, template="decision", context={"tracking_url": TRACKING_URL})

    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[C-2026-000123] Our decision on your complaint"
    assert "Outcome: Partly upheld\n\nOur decision:\nWe refund one night.\n" in body
    assert ("If you do not accept our decision, you can also turn to:\n"
            "Rzecznik Praw Konsumenta, Warszawa\n") in body


def test_the_decision_has_no_recourse_paragraph_when_none_is_configured(acme, frozen):
    queue_notification(complaint=_complaint(acme, decision_text="No."), template="decision")
    assert "turn to" not in mail.outbox[0].body
    assert "Please reply to this e-mail to tell us whether you accept our decision." in mail.outbox[0].body


def test_the_rating_request_has_a_one_click_link_per_score(acme, frozen):
    queue_notification(complaint=_complaint(acme, status=Status.CLOSED), template="rating_request",
                       context={"rating_url": "https://csm.example/c/acme/rate/t0k3n/?lang=en"})
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[C-2026-000123] How did we handle your complaint?"
    assert ("1 (very dissatisfied): https://csm.example/c/acme/rate/t0k3n/?lang=en&score=1\n"
            "2 (dissatisfied): https://csm.example/c/acme/rate/t0k3n/?lang=en&score=2\n"
            "3 (neither satisfied nor dissatisfied): https://csm.example/c/acme/rate/t0k3n/?lang=en&score=3\n"
            "4 (satisfied): https://csm.example/c/acme/rate/t0k3n/?lang=en&score=4\n"
            "5 (very satisfied): https://csm.example/c/acme/rate/t0k3n/?lang=en&score=5\n") in body


def test_the_status_mail_uses_the_customer_label(acme, frozen):
    queue_notification(complaint=_complaint(acme, status=Status.INVESTIGATING), template="status_changed")
    assert ("There is news about your complaint C-2026-000123: We are looking into your complaint.\n\n"
            "We will send you our response by March 16, 2026, 4 p.m. (Europe/Warsaw time).\n"
            ) in mail.outbox[0].body


def test_a_reply_threads_under_the_complainants_message(acme, frozen):
    complaint = _complaint(acme)
    first = _acknowledge(complaint)
    queue_notification(complaint=complaint, template="message", context={"message": "Which room?"},
                       in_reply_to="<abc.123@mail.example.com>")

    reply = mail.outbox[1]
    assert reply.extra_headers["In-Reply-To"] == "<abc.123@mail.example.com>"
    assert reply.extra_headers["References"] == f"{first.message_id} <abc.123@mail.example.com>"
    assert "Which room?" in reply.body
    assert reply.message()["In-Reply-To"] == "<abc.123@mail.example.com>"


def test_a_bare_message_id_gets_its_angle_brackets(acme, frozen):
    notification = queue_notification(complaint=_complaint(acme), template="message",
                                      context={"message": "Hi"}, in_reply_to=" abc.123@mail.example.com\r\n")
    assert notification.in_reply_to == "<abc.123@mail.example.com>"


def test_the_information_request_quotes_the_question(acme, frozen):
    queue_notification(complaint=_complaint(acme), template="information_requested",
                       context={"message": "Which room were you in?"})
    assert mail.outbox[0].subject == "[C-2026-000123] We need more information from you"
    assert ("we need more information from you:\n\nWhich room were you in?\n\n"
            "Please reply to this e-mail.\n") in mail.outbox[0].body


def test_rendering_does_not_leave_the_language_or_time_zone_switched(acme, frozen):
    before = (translation.get_language(), timezone.get_current_timezone_name())
    render_notification(complaint=_complaint(acme), template="acknowledgement", language="pl")
    assert (translation.get_language(), timezone.get_current_timezone_name()) == before


# Transactions ----------------------------------------------------------------------------------------

@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_notification_and_its_send_task_are_written_together(acme, frozen, database_tasks):
    notification = _acknowledge(_complaint(acme))

    [task] = DBTaskResult.objects.all()
    assert task.task_path == "csm.complaints.tasks.send_notification"
    assert task.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert notification.status == NotificationStatus.QUEUED
    assert mail.outbox == []


def test_the_notification_and_its_send_task_roll_back_together(acme, frozen, database_tasks):
    complaint = _complaint(acme)

    with pytest.raises(RuntimeError), transaction.atomic():
        _acknowledge(complaint)
        assert Notification.objects.count() == 1
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("the surrounding change failed")

    assert Notification.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert mail.outbox == []


def test_many_prepared_notifications_cost_two_inserts_and_make_the_rows_enqueue_makes(
        acme, bob, frozen, database_tasks):
    complaints = [_complaint(acme, reference=f"C-2026-00012{n}", assignee=bob.user) for n in range(3)]
    prepared = [prepare_notification(complaint=c, template="reminder") for c in complaints]
    assert Notification.objects.count() == DBTaskResult.objects.count() == 0  # prepared is not stored

    with CaptureQueriesContext(connection) as queries:
        queue_prepared(prepared)

    statements = [q["sql"].split()[0] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert statements == ["INSERT", "INSERT"]
    assert [n.to for n in Notification.objects.order_by("id")] == ["bob@acme.test"] * 3
    send_notification.enqueue(prepared[0].pk)  # the backend's own row, to compare with
    rows = [(task.args_kwargs, task.task_path, task.queue_name, task.priority, task.backend_name, task.run_after,
             task.status) for task in DBTaskResult.objects.order_by("enqueued_at", "args_kwargs")]
    expected = [({"args": [n.pk], "kwargs": {}}, "csm.complaints.tasks.send_notification", "default", 0, "default",
                 get_date_max(), "READY") for n in prepared]
    assert sorted(rows, key=str) == sorted([*expected, expected[0]], key=str)
    assert mail.outbox == []


def test_escalation_owners_are_read_once_for_many_organisations(acme, globex, alice, bob, charlie):
    with CaptureQueriesContext(connection) as queries:
        owners = escalation_owners(organization_ids=[acme.pk, globex.pk],
                                   roles=[Role.ORG_ADMIN, Role.COMPLAINT_HANDLER])
    assert len(queries) == 1
    assert dict(owners) == {(acme.pk, Role.ORG_ADMIN): [alice.user], (acme.pk, Role.COMPLAINT_HANDLER): [bob.user],
                            (globex.pk, Role.ORG_ADMIN): [charlie.user]}
