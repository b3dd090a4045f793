from django.urls import URLPattern, URLResolver, path

from csm.surveys import distribution_views, paper_views, poster_views, sample_size_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("distribution/", distribution_views.invitations, name="invitations"),
    path("distribution/<int:survey_id>/", distribution_views.distribution, name="distribution"),
    path("distribution/<int:survey_id>/counts/", distribution_views.distribution_counts, name="distribution_counts"),
    path("distribution/<int:survey_id>/contacts/", distribution_views.upload_contacts, name="contacts_upload"),
    path("distribution/<int:survey_id>/contacts/<int:contact_id>/erase/", distribution_views.erase_contact,
         name="contact_erase"),
    path("distribution/<int:survey_id>/quotas/", distribution_views.add_quota, name="quota_add"),
    path("distribution/<int:survey_id>/quotas/<int:quota_id>/delete/", distribution_views.delete_quota,
         name="quota_delete"),
    path("distribution/<int:survey_id>/posters/", poster_views.poster_list, name="posters"),
    path("distribution/<int:survey_id>/posters.pdf", poster_views.poster_pdf, name="poster"),
    path("sample-size/", sample_size_views.sample_size, name="sample_size"),
    path("paper/", paper_views.batches, name="paper"),
    path("paper/<int:batch_id>/", paper_views.key_in, name="paper_batch"),
]
