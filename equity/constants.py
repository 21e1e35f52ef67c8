"""Defaults of the equity statistics (an audit stores the values it ran with in its parameters)."""

import os

# No group under this many people is reported (US health statistics publish no cell of 1–10).
DEFAULT_MINIMUM_CELL_SIZE = int(os.environ.get("EQUITY_MINIMUM_CELL_SIZE", "11"))
# Every random draw (Monte Carlo p-values, bootstraps, permutations) starts from a seed, so runs repeat exactly.
DEFAULT_SEED = 12
# The scheduled audit looks back this many days.
SCHEDULED_WINDOW_DAYS = 90
