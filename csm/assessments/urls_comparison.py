"""The comparisons over issued reports: progress over time, the unit benchmark, self against independent."""

from django.urls import URLPattern, URLResolver, path

from csm.assessments import comparison_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("progress/", comparison_views.progress_page, name="progress"),
    path("benchmark/", comparison_views.benchmark_page, name="benchmark"),
    path("gap/", comparison_views.gap_page, name="gap"),
]
