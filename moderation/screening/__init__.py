"""Screening offers: the pure pipeline, the current rules and model, batches."""
