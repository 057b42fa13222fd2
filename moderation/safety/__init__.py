"""Product safety: Safety Gate alerts, the authority channel, matching alerts to offers."""
