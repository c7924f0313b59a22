from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "LatePoint API sandbox"
    default_auto_field = "django.db.models.BigAutoField"
