"""Throttling of authentication failures: a client sending bad bearer tokens is slowed down, whatever it sends next.

DRF's own throttles (`anon`, `user` in settings) run after authentication, so a client guessing tokens would never
reach them: each guess ends in a 401 first. This throttle is consulted and fed by the token authentication itself.
"""

from rest_framework.throttling import SimpleRateThrottle


class AuthenticationFailureThrottle(SimpleRateThrottle):
    """At most `auth_failure` (settings: DEFAULT_THROTTLE_RATES) bad credentials per client address per period;
    past it, every token call from that address answers 429 with Retry-After until the window has passed."""

    scope = "auth_failure"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]

    def refusal_wait(self, request) -> float | None:
        """Seconds to wait when this address has failed too often in the window, else None."""
        if self.rate is None:
            return None
        self._load(request)
        if len(self.history) >= self.num_requests:
            return self.wait()
        return None

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
