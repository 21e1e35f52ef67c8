"""A health check for load balancers and the 404 handler (the pages people use are in program/pages/)."""

from django.db import connection
from django.http import JsonResponse
from django.views.defaults import page_not_found


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception):
    """404: JSON under /api/ (what API clients parse), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
