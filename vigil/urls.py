from django.urls import include, path
from django.views.i18n import set_language

from vigil.api.api import api

urlpatterns = [
    path("", include("vigil.core.urls")),
    path("accounts/", include("vigil.accounts.urls")),
    path("vault/", include("vigil.vault.urls")),
    path("monitoring/", include("vigil.monitoring.urls")),
    path("incidents/", include("vigil.incidents.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
]

handler400 = "vigil.core.views.bad_request"
handler403 = "vigil.core.views.permission_denied"
handler404 = "vigil.core.views.page_not_found"
handler500 = "vigil.core.views.server_error"
