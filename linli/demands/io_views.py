"""Batch import of sweep (扫楼排查) results: placeholder until the import lands."""

from django.http import Http404


def sweep_import(request):
    raise Http404


def sweep_template(request):
    raise Http404
