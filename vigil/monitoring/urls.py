from django.urls import path

from vigil.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("drafts/<uuid:draft_id>/", views.draft_detail, name="draft"),
    path("drafts/<uuid:draft_id>/fields/<slug:field>/", views.decide_field, name="decide_field"),
    path("drafts/<uuid:draft_id>/accept/", views.accept, name="accept"),
    path("drafts/<uuid:draft_id>/reject/", views.reject, name="reject"),
    path("drafts/<uuid:draft_id>/merge/", views.merge, name="merge"),
]
