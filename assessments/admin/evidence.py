"""Admin of scenarios, attempts and sign-offs."""
