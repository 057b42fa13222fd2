"""Rule engine: policy as data. Imports nothing of the project."""
