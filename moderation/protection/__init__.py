"""The rights protection programme: rights, notices, notifiers, strikes, counter-notices, and
what a decision on a noticed case sets off."""
