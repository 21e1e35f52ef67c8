"""The program's xAPI profile, published for content authors and their tools (public: it holds no data)."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .profile import profile_document


@require_GET
@cache_control(public=True, max_age=3600)
def profile(request):
    return JsonResponse(profile_document(), content_type="application/ld+json", json_dumps_params={"indent": 2})
