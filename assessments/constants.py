"""Numbers of the readiness rules that are policy rather than data."""

from program.validators import StringList

# A sign-off this close to its expiry shows as "expiring soon" and triggers the reminder email.
EXPIRY_WARNING_DAYS = 30

# The longest a gate exception may run: exceptions are a bridge to a sign-off, not a way around it.
GATE_EXCEPTION_MAX_DAYS = 30

# People recomputed per batch: bounds memory and the size of each IN (...) list.
RECOMPUTE_BATCH_SIZE = 500

# The shape of an attempt's steps and errors (and a scenario's key steps and common errors): short labels, a few
# dozen at most. Checked by the model fields, so by the API, the admin, the LRS parser and every import alike.
STEP_LIST = StringList(max_items=100, max_length=300)

# How far back an L&D admin may date a sign-off recorded after the fact (a paper form, an outage of the portal);
# a coach's sign-off is always dated now. Loading past history (the demo org) uses `signoff_record_history`.
SIGNOFF_BACKDATE_MAX_DAYS = 14

# Clock skew tolerated on times a client reports (an attempt's completion): later than this ahead of the server's
# clock is refused, so evidence can never be dated in the future to stay fresh.
CLIENT_CLOCK_SKEW_SECONDS = 300
