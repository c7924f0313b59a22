from django.conf import settings

from frontoffice.roles import is_manager, role_name


def frontoffice(request):
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "user_is_manager": bool(user and is_manager(user)),
        "user_role": role_name(user) if user else "",
    }
