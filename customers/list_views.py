"""Placeholder until this screen is built."""

from django.http import Http404


def customer_list(request, *args, **kwargs):
    raise Http404("Not built yet")


def customer_export(request, *args, **kwargs):
    raise Http404("Not built yet")
