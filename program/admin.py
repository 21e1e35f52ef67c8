from . import admin_tokens  # noqa: F401  (API tokens: registered in their own module)
