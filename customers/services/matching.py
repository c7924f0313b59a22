"""What a customer search matches, the same on Today's quick search and the customer list.

LatePoint's `search` matches one piece of text inside the first name, last name, email or
phone (docs: "first name, last name or email"; older sites "name, email or phone"), so "Marg Mie"
finds nobody: no field holds that text. Receptionists type fragments, so a query of several words
is sent as its longest word, and the answers are kept here when every word typed starts a part
of the name ("Marg Mie" → Margaret Miller). A phone number typed with separators ("415-956") is
sent as its digits, which LatePoint keeps as one run ("+14159560930"), and matched here against
the digits of the customer's number whatever its format.
"""

from __future__ import annotations

import re
import unicodedata

from latepoint.models import Customer

__all__ = ["customer_matches_query", "digits", "looks_like_phone", "plain", "search_term"]

#: Digits with spaces, dashes, dots, brackets or a leading +: a phone number being typed.
_PHONE_TEXT = re.compile(r"[\d\s().+-]+")
_NAME_PARTS = re.compile(r"[\s\-'\u2019.]+")


def plain(text: str) -> str:
    """Case and accents folded: "José" and "jose" compare equal."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def digits(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def looks_like_phone(q: str) -> bool:
    """Two digits or more and nothing but what people type in a phone number."""
    q = q.strip()
    return len(digits(q)) >= 2 and bool(_PHONE_TEXT.fullmatch(q))


def search_term(q: str) -> str:
    """What to send as LatePoint's `search` for `q`: a phone number's digits, a query of
    several words its longest word (the fewest answers to sift), anything else as typed."""
    q = " ".join(q.split())
    if looks_like_phone(q):
        return digits(q)
    words = q.split()
    if len(words) > 1:
        return max(words, key=len)
    return q


def _name_parts(customer: Customer) -> list[str]:
    return [part for part in _NAME_PARTS.split(plain(customer.full_name)) if part]


def customer_matches_query(customer: Customer, q: str) -> bool:
    """Whether `customer` is a match for `q` as a receptionist means it: every word typed
    starts a part of the name, or the query is in the name or email, or the phone's digits
    hold the digits typed."""
    if looks_like_phone(q):
        return digits(q) in digits(customer.phone)
    needle = " ".join(plain(q).split())
    if not needle:
        return False
    parts = _name_parts(customer)
    if all(any(part.startswith(word) for part in parts) for word in needle.split()):
        return True
    name = " ".join(plain(customer.full_name).split())
    return needle in name or needle in plain(customer.email) or needle in plain(customer.phone)
