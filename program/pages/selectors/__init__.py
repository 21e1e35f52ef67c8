"""Reads behind each top-level page, one module per page; each owns its eager loading and its query budget."""
