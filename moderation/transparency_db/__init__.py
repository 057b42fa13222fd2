"""The DSA Transparency Database (art. 24(5)): every statement of reasons as the database's
record, checked against its rules, submitted once, or exported as JSON lines.

records.py builds a record; validation.py holds the database's rules (also used by the
tests' fake of it); personal_data.py finds what must not leave; submissions.py keeps the
submission rows; client.py speaks the API; submitter.py sends; export.py writes files.
"""

from moderation.transparency_db.submissions import enqueue_statement, enqueue_statements

__all__ = ["enqueue_statement", "enqueue_statements"]
