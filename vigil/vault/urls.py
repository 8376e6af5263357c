from django.urls import path

from vigil.vault import views

app_name = "vault"
urlpatterns = [
    path("unseal/", views.unseal_view, name="unseal"),
    path("seal/", views.seal_view, name="seal"),
]
