"""Accounts: staff (people), API clients, and their logins."""
