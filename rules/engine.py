"""RuleSet: compiled rules that turn offers into hits (never into actions)."""

from __future__ import annotations

from collections.abc import Sequence

from rules.compiler import Compiler
from rules.errors import RulePackError
from rules.model import Rule
from rules.nodes import Found, Node
from rules.scan import FIELD_ORDER, OfferContext
from rules.types import Hit, OfferText, Span


class RuleSet:
    """An immutable, versioned set of compiled rules."""

    def __init__(self, rules: Sequence[Rule], version: str) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.version = version
        seen: dict[str, str] = {}
        for rule in self.rules:
            if rule.id in seen:
                raise RulePackError(rule.source, rule.id,
                                    f"duplicate rule id (also in {seen[rule.id]})")
            seen[rule.id] = rule.source
        compiler = Compiler()
        self._nodes: tuple[Node, ...] = tuple(compiler.compile(r.when) for r in self.rules)
        self._scanner = compiler.finish()
        # Rules whose condition needs some phrase or regex literal of the pass are only
        # evaluated when one fired; the rest (seller, price, brand-only rules) always are.
        self._always: list[int] = []
        self._by_atom: dict[int, list[int]] = {}
        for i, node in enumerate(self._nodes):
            if node.anchors is None:
                self._always.append(i)
            else:
                for atom in node.anchors:
                    self._by_atom.setdefault(atom, []).append(i)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules, {self.version})"

    @property
    def phrase_keys(self) -> int:
        """Distinct keys in the single-pass automaton (phrases, spellings, regex literals)."""
        return self._scanner.size

    def evaluate(self, offer: OfferText) -> list[Hit]:
        """Hits of every rule that matches the offer, in rule order."""
        ctx = self._scanner.scan(offer)
        candidates = set(self._always)
        for atom in ctx.fired():
            candidates.update(self._by_atom.get(atom, ()))
        hits = []
        for i in sorted(candidates):
            found = self._nodes[i].eval(ctx)
            if found is not None:
                hits.append(self._hit(self.rules[i], found, ctx))
        return hits

    def evaluate_many(self, offers: Sequence[OfferText]) -> list[list[Hit]]:
        """Evaluate a batch; the same answers as `evaluate` one by one."""
        return [self.evaluate(offer) for offer in offers]

    def with_rules(self, extra: Sequence[Rule], version_suffix: str) -> RuleSet:
        """A new set with more rules (e.g. from rights holders), versioned apart."""
        if not version_suffix:
            raise ValueError("version_suffix must name what was added")
        return RuleSet((*self.rules, *extra), f"{self.version}+{version_suffix}")

    @staticmethod
    def _hit(rule: Rule, found: Found, ctx: OfferContext) -> Hit:
        spans: list[Span] = []
        for field, start, end in sorted(set(found[0]),
                                        key=lambda s: (FIELD_ORDER.index(s[0]), s[1], s[2])):
            norm = ctx.fields[field]
            a, b = norm.original_span(start, end)
            last = spans[-1] if spans else None
            if last is not None and last.field == field and a < last.end:
                # Overlapping evidence ("Nike Air" and "Air Jordan") reads better as one span.
                a, b = last.start, max(b, last.end)
                spans.pop()
            spans.append(Span(field, a, b, norm.original[a:b]))
        return Hit(rule_id=rule.id, outcome=rule.outcome, severity=rule.severity,
                   reason_code=rule.reason_code, statement_category=rule.statement_category,
                   priority=rule.priority, spans=tuple(dict.fromkeys(spans)),
                   detail="; ".join(dict.fromkeys(found[1])))
