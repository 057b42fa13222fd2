"""Offer intake: single events, bulk imports and the files they come in."""
