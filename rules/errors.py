"""The one error a rule pack can raise: it names the file, the rule and the reason."""

from __future__ import annotations


class RulePackError(ValueError):
    """A rule pack or one of its data files is invalid."""

    def __init__(self, file: str, rule_id: str | None, reason: str) -> None:
        self.file = file
        self.rule_id = rule_id
        self.reason = reason
        where = f"rule {rule_id!r}" if rule_id else "pack"
        super().__init__(f"{file}: {where}: {reason}")
