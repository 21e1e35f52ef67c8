"""Actor identities: the normalised key of an xAPI actor, and resolving keys to people.

An actor is identified by exactly one of `mbox` (the email's domain compared case-insensitively),
`mbox_sha1sum`, `openid` or `account {homePage, name}` (xAPI Data 2.4.2).
"""

from django.utils import timezone

from program.models import Person

from ..choices import IdentityKind
from ..models import ActorIdentity

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")


class IdentityError(ValueError):
    """The actor's identifier breaks the xAPI rules; the message says how."""


def identity_from_actor(actor: dict) -> tuple[str, str] | None:
    """(kind, normalised key) of an actor, None for an anonymous group; IdentityError when malformed."""
    present = [name for name in IFI_PROPERTIES if name in actor]
    if len(present) > 1:
        raise IdentityError(f"actor has {', '.join(present)}: exactly one identifier is allowed")
    if not present:
        if actor.get("objectType") == "Group" and isinstance(actor.get("member"), list):
            return None
        raise IdentityError("actor has none of mbox, mbox_sha1sum, openid, account: exactly one is required")
    kind = present[0]
    value = actor[kind]
    if kind == IdentityKind.MBOX:
        return kind, f"mbox:{normalise_mbox(value)}"
    if kind == IdentityKind.MBOX_SHA1SUM:
        if not isinstance(value, str) or len(value) != 40 or any(c not in "0123456789abcdefABCDEF" for c in value):
            raise IdentityError(f"actor mbox_sha1sum {value!r} is not 40 hexadecimal characters")
        return kind, f"mbox_sha1sum:{value.lower()}"
    if kind == IdentityKind.OPENID:
        if not isinstance(value, str) or ":" not in value:
            raise IdentityError(f"actor openid {value!r} is not a URI")
        return kind, f"openid:{value.strip()}"
    if not isinstance(value, dict) or not isinstance(value.get("homePage"), str) or ":" not in value["homePage"]:
        raise IdentityError("actor account needs a homePage IRL")
    if not isinstance(value.get("name"), str) or not value["name"]:
        raise IdentityError("actor account needs a name")
    return kind, f"account:{value['homePage'].strip()}|{value['name']}"


def normalise_mbox(value) -> str:
    """`mailto:Local@Domain` with the scheme and domain lower-cased (the local part is the owner's to case)."""
    if not isinstance(value, str) or not value[:7].lower() == "mailto:" or "@" not in value:
        raise IdentityError(f"actor mbox {value!r} must be a mailto: IRI with an email address")
    local, _, domain = value[7:].strip().rpartition("@")
    if not local or not domain:
        raise IdentityError(f"actor mbox {value!r} must be a mailto: IRI with an email address")
    return f"mailto:{local}@{domain.lower()}"


def identities_resolve(actors: dict[str, tuple[str, str]]) -> dict[str, ActorIdentity]:
    """The identity of each key in {key: (kind, display name)}, creating the unknown ones in bulk.

    A new `mbox` identity whose email is a person's is mapped to that person at once; the others wait in
    the review queue. A constant number of queries, whatever the number of actors.
    """
    found = {identity.key: identity for identity in ActorIdentity.objects.filter(key__in=actors)}
    # Sorted: two syncs creating the same identities insert them in the same order, so neither waits on the other
    # in a circle (a deadlock).
    missing = sorted(key for key in actors if key not in found)
    if not missing:
        return found
    emails = {key[len("mbox:mailto:") :].lower(): key for key in missing if key.startswith("mbox:")}
    person_by_key = {}
    if emails:
        for person_id, email in Person.objects.filter(email__in=emails).values_list("id", "email"):
            person_by_key[emails[email]] = person_id
    now = timezone.now()
    ActorIdentity.objects.bulk_create(
        [
            ActorIdentity(
                kind=actors[key][0],
                key=key,
                display_name=(actors[key][1] or "")[:200],
                person_id=person_by_key.get(key),
                mapped_at=now if key in person_by_key else None,
            )
            for key in missing
        ],
        ignore_conflicts=True,  # another sync may create the same identity concurrently
    )
    found.update({identity.key: identity for identity in ActorIdentity.objects.filter(key__in=missing)})
    return found
