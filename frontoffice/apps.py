from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using="default", **kwargs) -> None:
    """`migrate` also creates the table of the database cache (the default shared cache)."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class FrontofficeConfig(AppConfig):
    name = "frontoffice"
    verbose_name = "Front office"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self)
