"""The JSON API's response shapes: one `from_attributes` base, a module per resource."""
