from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "vigil.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
