"""Public survey pages (no login), under /s/ (namespace "surveys_public"): answering by link, QR
code, kiosk or invitation, and the distribution's own pages (opt-out, posters)."""

from csm.surveys import public_urls_distribution, public_urls_respond

app_name = "surveys_public"
urlpatterns = [*public_urls_distribution.urlpatterns, *public_urls_respond.urlpatterns]
