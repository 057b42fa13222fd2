"""Staff accounts, API clients and their logins."""
