from django.conf import settings

from frontoffice.roles import is_manager, role_name
from upstream import metrics as upstream_metrics


def frontoffice(request):
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "user_is_manager": bool(user and is_manager(user)),
        "user_role": role_name(user) if user else "",
        # Lazy: decided when the page is rendered, after the view has read what it shows.
        "upstream_notice": _upstream_notice,
    }


def _upstream_notice() -> str:
    from frontoffice.middleware import stale_notice

    metrics = upstream_metrics.current()
    return stale_notice(metrics.stale_since, metrics.stale_cause) if metrics else ""
