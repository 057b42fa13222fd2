"""Appeals (DSA art. 20): the internal complaint-handling system for sellers and notifiers."""
