"""The handler pages of the complaints module; urls.py imports them from here."""

from csm.complaints.views.detail import attachment, decision_text, detail
from csm.complaints.views.intake import create
from csm.complaints.views.perform import complaint_action
from csm.complaints.views.queue import queue
from csm.complaints.views.sla_calculator import sla_calculator

__all__ = ["attachment", "complaint_action", "create", "decision_text", "detail", "queue", "sla_calculator"]
