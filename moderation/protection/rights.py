"""The rights registry: a rights holder's rights, each verified by staff before notices use it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from moderation import audit
from moderation.config import get_settings
from moderation.domain import RightStatus, StaffRole
from moderation.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from moderation.schemas import Text
from moderation.tables import Account, Organisation, Right, RightDocument, utcnow
from rules.brands import brand_key

RightType = Literal["trademark", "copyright", "design", "patent", "personal_rights"]
RIGHT_TYPES: tuple[str, ...] = get_args(RightType)
STATUSES = tuple(s.value for s in RightStatus)
DOCUMENT_KINDS = ("registration_certificate", "power_of_attorney", "licence", "other")
# Documents are shown to staff as they are: only formats a browser displays inertly, each
# checked against its first bytes so that a page cannot be uploaded as a "PDF".
CONTENT_TYPES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
# A document may be added while staff have not accepted the right, or after a rejection.
OPEN_FOR_DOCUMENTS = (RightStatus.PENDING.value, RightStatus.REJECTED.value)
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/]+')

Text64 = Annotated[Text, StringConstraints(min_length=1, max_length=64)]
Term = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]


def _terms(values: list[str], what: str) -> list[str]:
    """Drop repeats (as the rules compare names); refuse terms a rule could never match."""
    seen: dict[str, str] = {}
    for value in values:
        key = brand_key(value)
        if not key:
            raise ValueError(f"{what} {value!r} has no letters or digits")
        seen.setdefault(key, value)
    return list(seen.values())


class RightIn(BaseModel):
    """A right as a rights holder registers it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: RightType
    office: Text64  # the registry: EUIPO, UPRP, WIPO; "copyright" for unregistered works
    number: Text64
    owner: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    territory: Text64  # "EU", "PL", ...
    valid_from: date | None = None
    valid_until: date | None = None
    # Declared before brands so that the check on brands sees them.
    keywords: list[Term] = Field(default_factory=list, max_length=100)
    brands: list[Term] = Field(default_factory=list, max_length=50, validate_default=True)
    reference_price: Decimal | None = Field(default=None, gt=0, le=Decimal("1e11"),
                                            decimal_places=2)  # PLN
    agent: StrictBool = False  # acting for the owner: needs a power of attorney

    @field_validator("valid_until")
    @classmethod
    def _until_after_from(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value < start:
            raise ValueError(f"valid_until {value} is before valid_from {start}")
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return _terms(value, "keyword")

    @field_validator("brands")
    @classmethod
    def _brands(cls, value: list[str], info: ValidationInfo) -> list[str]:
        value = _terms(value, "brand")
        if info.data.get("type") == "trademark" and not value and not info.data.get("keywords"):
            raise ValueError("a trademark needs at least one brand or keyword")
        return value


class VerificationIn(BaseModel):
    """A moderator's verdict on a pending right."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approve: StrictBool
    note: Annotated[Text, StringConstraints(max_length=5_000)] = ""


def holder_organisation(staff: Account) -> int:
    """The organisation a rights holder's account acts for."""
    if staff.role != StaffRole.RIGHTS_HOLDER.value or staff.organisation_id is None:
        raise Forbidden("only a rights holder's account acts for a rights holder")
    return staff.organisation_id


def _snapshot(right: Right) -> dict[str, Any]:
    return {"type": right.type, "office": right.office, "number": right.number,
            "owner": right.owner, "territory": right.territory, "status": right.status,
            "valid_from": right.valid_from.isoformat() if right.valid_from else None,
            "valid_until": right.valid_until.isoformat() if right.valid_until else None,
            "brands": list(right.brands), "keywords": list(right.keywords),
            "reference_price": str(right.reference_price) if right.reference_price else None,
            "agent": right.agent}


def register_right(session: Session, *, organisation_id: int, actor_id: int | None,
                   data: RightIn) -> Right:
    """Register a right for an organisation; it waits for staff to verify it."""
    duplicate = session.scalar(select(Right.id).where(
        Right.organisation_id == organisation_id,
        func.lower(Right.office) == data.office.lower(),
        func.lower(Right.number) == data.number.lower()))
    if duplicate is not None:
        raise Conflict(f"your organisation already registered {data.office} {data.number} "
                       f"(right {duplicate})", field="number")
    now = utcnow()
    right = Right(organisation_id=organisation_id, type=data.type, office=data.office,
                  number=data.number, owner=data.owner, territory=data.territory,
                  valid_from=data.valid_from, valid_until=data.valid_until,
                  brands=list(data.brands), keywords=list(data.keywords),
                  reference_price=data.reference_price, agent=data.agent,
                  status=RightStatus.PENDING.value,
                  review_note="", created_at=now, updated_at=now)
    try:
        # A savepoint: a concurrent registration of the same number fails only this insert.
        with session.begin_nested():
            session.add(right)
            session.flush()
    except IntegrityError:
        raise Conflict(f"your organisation already registered {data.office} {data.number}",
                       field="number") from None
    audit.record(session, actor=audit.actor_of(actor_id), action="right.registered",
                 entity="right", entity_id=right.id,
                 after={"organisation_id": organisation_id, **_snapshot(right)})
    session.flush()
    return right


def list_rights(session: Session, *, organisation_id: int | None,
                status: str | None = None) -> list[Right]:
    """Rights of one organisation (None: every organisation, for staff), pending first."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", field="status")
    query = select(Right)
    if organisation_id is not None:
        query = query.where(Right.organisation_id == organisation_id)
    if status is not None:
        query = query.where(Right.status == status)
    pending_first = case((Right.status == RightStatus.PENDING.value, 0), else_=1)
    return list(session.scalars(query.order_by(pending_first, Right.id)))


def get_right(session: Session, right_id: int, *, organisation_id: int | None) -> Right:
    """One right; another organisation's right is as unknown as a missing one."""
    right = session.get(Right, right_id)
    if right is None or (organisation_id is not None
                         and right.organisation_id != organisation_id):
        raise NotFound(f"no right {right_id}")
    return right


def list_documents(session: Session, right_id: int) -> list[RightDocument]:
    """A right's documents, oldest first, without their contents."""
    return list(session.scalars(
        select(RightDocument).options(defer(RightDocument.content))
        .where(RightDocument.right_id == right_id).order_by(RightDocument.id)))


def documents_of(session: Session, right_ids: Sequence[int]) -> dict[int, list[RightDocument]]:
    """The documents of many rights in one query, without their contents."""
    out: dict[int, list[RightDocument]] = {i: [] for i in right_ids}
    if right_ids:
        for doc in session.scalars(
                select(RightDocument).options(defer(RightDocument.content))
                .where(RightDocument.right_id.in_(right_ids)).order_by(RightDocument.id)):
            out[doc.right_id].append(doc)
    return out


def organisation_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Names of organisations by id, for pages listing many organisations' rights."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Organisation.id, Organisation.name)
                           .where(Organisation.id.in_(wanted)))
    return {org_id: name for org_id, name in rows}


def _filename(name: str | None) -> str:
    """The last path segment, without quotes or control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    clean = _UNSAFE_NAME.sub("_", base).strip(" .")
    return clean[-200:] or "document"


def _check_file(content_type: str, content: bytes) -> str:
    """The document's media type, if its bytes are what it claims; else refuse it."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in CONTENT_TYPES:
        raise InvalidInput(f"a document must be a PDF, PNG or JPEG file, not {media or '?'}",
                           field="file")
    if not content:
        raise InvalidInput("the file is empty", field="file")
    limit = get_settings().max_document_bytes
    if len(content) > limit:
        raise PayloadTooLarge(f"a document may have at most {limit} bytes, this one has "
                              f"{len(content)}", field="file")
    if not content.startswith(CONTENT_TYPES[media]):
        raise InvalidInput(f"the file is not a {media.split('/')[1].upper()} file",
                           field="file")
    return media


def add_document(session: Session, *, right_id: int, organisation_id: int, actor_id: int | None,
                 kind: str, filename: str | None, content_type: str,
                 content: bytes) -> RightDocument:
    """Attach a proof to a right not yet accepted; a rejected right goes back to the queue."""
    right = get_right(session, right_id, organisation_id=organisation_id)
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(DOCUMENT_KINDS)}", field="kind")
    media = _check_file(content_type, content)
    if right.status not in OPEN_FOR_DOCUMENTS:
        raise Conflict(f"right {right.id} is {right.status}; its documents can no longer change")
    now = utcnow()
    doc = RightDocument(right_id=right.id, kind=kind, filename=_filename(filename),
                        content_type=media, size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), content=content,
                        uploaded_by=actor_id, created_at=now)
    session.add(doc)
    before = right.status
    right.status, right.updated_at = RightStatus.PENDING.value, now
    session.flush()
    audit.record(session, actor=audit.actor_of(actor_id), action="right.document_added",
                 entity="right", entity_id=right.id, before={"status": before},
                 after={"status": right.status, "document_id": doc.id, "kind": kind,
                        "filename": doc.filename, "size": doc.size, "sha256": doc.sha256})
    session.flush()
    return doc


def get_document(session: Session, *, right_id: int, document_id: int,
                 organisation_id: int | None) -> RightDocument:
    """One document of a right the caller may see, with its contents."""
    get_right(session, right_id, organisation_id=organisation_id)
    doc = session.get(RightDocument, document_id)
    if doc is None or doc.right_id != right_id:
        raise NotFound(f"no document {document_id} for right {right_id}")
    return doc


def verify_right(session: Session, *, right_id: int, staff_id: int, approve: bool,
                 note: str) -> Right:
    """Accept or reject a pending right on its documents; the verdict is audited."""
    right = session.scalar(select(Right).where(Right.id == right_id).with_for_update())
    if right is None:
        raise NotFound(f"no right {right_id}")
    if right.status != RightStatus.PENDING.value:
        raise Conflict(f"right {right_id} is already {right.status}; only a pending right "
                       f"can be verified")
    note = note.strip()
    if approve:
        kinds = set(session.scalars(select(RightDocument.kind)
                                    .where(RightDocument.right_id == right_id)))
        if not kinds:
            raise Conflict(f"right {right_id} has no document to verify it on")
        if right.agent and "power_of_attorney" not in kinds:
            raise Conflict(f"right {right_id} is claimed by an agent: a power of attorney "
                           f"is needed")
    elif not note:
        raise InvalidInput("say why the right is rejected: the holder reads the note",
                           field="note")
    now = utcnow()
    before = right.status
    right.status = (RightStatus.VERIFIED if approve else RightStatus.REJECTED).value
    right.verified_by, right.verified_at = staff_id, now
    right.review_note, right.updated_at = note, now
    audit.record(session, actor=audit.actor_of(staff_id),
                 action="right.verified" if approve else "right.rejected", entity="right",
                 entity_id=right.id, before={"status": before},
                 after={"status": right.status, "note": note})
    session.flush()
    return right


def usable_right(session: Session, *, right_id: int, organisation_id: int,
                 today: date) -> Right:
    """The right a notice cites, if the organisation may rely on it today."""
    right = session.get(Right, right_id)
    if right is None or right.organisation_id != organisation_id:
        raise InvalidInput(f"no right {right_id} registered by your organisation",
                           field="right_id")
    if right.status == RightStatus.PENDING.value:
        raise InvalidInput(f"right {right_id} is not verified yet", field="right_id")
    if right.status != RightStatus.VERIFIED.value:
        raise InvalidInput(f"right {right_id} was {right.status}", field="right_id")
    if right.valid_from is not None and today < right.valid_from:
        raise InvalidInput(f"right {right_id} is valid only from {right.valid_from}",
                           field="right_id")
    if right.valid_until is not None and today > right.valid_until:
        raise InvalidInput(f"right {right_id} expired on {right.valid_until}",
                           field="right_id")
    return right
