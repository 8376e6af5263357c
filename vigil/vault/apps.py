from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "vigil.vault"
    label = "vault"
    verbose_name = "Vault"

    def ready(self) -> None:
        from vigil.vault import checks  # noqa: F401  (registers the system checks)
        from vigil.vault.files import register_file_reference

        register_file_reference("vault.OperatorNote", "attachment")
