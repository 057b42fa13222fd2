"""The human review queue: cases, decisions and what follows from them."""
