"""Numbers of the readiness rules that are policy rather than data."""

# A sign-off this close to its expiry shows as "expiring soon" and triggers the reminder email.
EXPIRY_WARNING_DAYS = 30

# The longest a gate exception may run: exceptions are a bridge to a sign-off, not a way around it.
GATE_EXCEPTION_MAX_DAYS = 30

# People recomputed per batch: bounds memory and the size of each IN (...) list.
RECOMPUTE_BATCH_SIZE = 500
