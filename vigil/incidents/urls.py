from django.urls import path

from vigil.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<uuid:pk>/", views.incident_detail, name="detail"),
    path("<uuid:pk>/edit/", views.incident_edit, name="edit"),
    path("<uuid:pk>/acts/new/", views.act_create, name="act_create"),
    path("<uuid:pk>/sources/new/", views.source_create, name="source_create"),
    path("<uuid:pk>/attributions/new/", views.attribution_create, name="attribution_create"),
    path("<uuid:pk>/links/new/", views.link_create, name="link_create"),
    path("<uuid:pk>/evidence/new/", views.evidence_upload, name="evidence_upload"),
    path("acts/<uuid:pk>/edit/", views.act_edit, name="act_edit"),
    path("sources/<uuid:pk>/edit/", views.source_edit, name="source_edit"),
    path("evidence/<uuid:pk>/manifest/", views.evidence_manifest, name="evidence_manifest"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<uuid:pk>/", views.person_detail, name="person"),
    path("people/<uuid:pk>/edit/", views.person_edit, name="person_edit"),
]
