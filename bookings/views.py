from django.template.response import TemplateResponse


def today(request):
    return TemplateResponse(request, "bookings/today.html", {})
