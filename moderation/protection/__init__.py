"""The rights protection programme: rights, notices, notifiers, strikes."""
