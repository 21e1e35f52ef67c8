"""The navigation for every page that extends base.html, worked out only when a template uses it."""

from django.utils.functional import SimpleLazyObject

from .access import viewer_for
from .navigation import links_for


def navigation(request):
    return {"nav_links": SimpleLazyObject(lambda: links_for(viewer_for(request)))}
