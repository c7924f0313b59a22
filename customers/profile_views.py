"""Placeholder until this screen is built."""

from django.http import Http404


def customer_detail(request, *args, **kwargs):
    raise Http404("Not built yet")


def customer_bookings(request, *args, **kwargs):
    raise Http404("Not built yet")
