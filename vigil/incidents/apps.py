from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "vigil.incidents"
    label = "incidents"
    verbose_name = _("Incidents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vigil.vault.files import register_file_reference

        register_file_reference("incidents.Evidence", "store_address")
