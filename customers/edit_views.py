"""Placeholder until this screen is built."""

from django.http import Http404


def customer_create(request, *args, **kwargs):
    raise Http404("Not built yet")


def validate_field(request, *args, **kwargs):
    raise Http404("Not built yet")


def customer_edit(request, *args, **kwargs):
    raise Http404("Not built yet")
