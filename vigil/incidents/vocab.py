"""Checking coded values against `vigil.reference` on every write (actions, forms, import, API).

Why one place: an unknown code must never be stored or silently added as a new term; the error always names the
vocabulary and lists the allowed values, so whoever typed it (a documenter, an import file, an API client) can fix
it. Places are gazetteer codes, legal articles codes of the legal table.
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vigil.reference.legal import all_articles, get_article
from vigil.reference.vocabularies import Term, Vocabulary, load_vocabulary

ACT_TYPES = "act_types"
PERPETRATOR_TYPES = "perpetrator_types"
SOURCE_TYPES = "source_types"
OUTCOMES = "outcomes"
FACILITY_TYPES = "facility_types"
VERIFICATION_LEVELS = "verification_levels"
RELIABILITY = "reliability_grades"


def vocabulary(name: str) -> Vocabulary:
    return load_vocabulary(name)


def _lang() -> str:
    return "ru" if (get_language() or "").startswith("ru") else "en"


@functools.cache
def allowed_codes(name: str, *, parent: str | None = None) -> tuple[str, ...]:
    vocab = vocabulary(name)
    if parent is not None:
        return tuple(term.code for term in vocab.children(parent))
    return vocab.codes()


@functools.cache
def _allowed_set(name: str, parent: str | None) -> frozenset[str]:
    return frozenset(allowed_codes(name, parent=parent))


def check_code(name: str, code: str, *, parent: str | None = None, field: str = "") -> str:
    """Return `code` if the vocabulary holds it; otherwise raise ValidationError listing the allowed values."""
    if code in _allowed_set(name, parent):
        return code
    allowed = allowed_codes(name, parent=parent)
    message = _("“%(code)s” is not a value of the vocabulary %(vocabulary)s. Allowed values: %(allowed)s.") % {
        "code": code[:60],
        "vocabulary": name,
        "allowed": ", ".join(allowed),
    }
    raise ValidationError({field: message} if field else message, code="unknown_code")


def label(name: str, code: str) -> str:
    """The term's label in the active language; the bare code if it is not (or no longer) in the vocabulary."""
    if not code:
        return ""
    try:
        term: Term = vocabulary(name).get(code)
    except KeyError:
        return code
    return term.label(_lang())


def choices(name: str, *, parent: str | None = None, blank: bool = False) -> list[tuple[str, str]]:
    vocab = vocabulary(name)
    terms = vocab.children(parent) if parent else vocab.terms
    options = [(term.code, ("— " * len(vocab.ancestors(term.code))) + term.label(_lang())) for term in terms]
    return [("", "—"), *options] if blank else options


@functools.lru_cache(maxsize=4096)
def _article_code(code: str) -> str | None:
    try:
        return get_article(code).code
    except KeyError:
        return None


def check_article(code: str, field: str = "") -> str:
    """The canonical code of a legal article ("коап 19.3" -> "KoAP 19.3"), or ValidationError listing the table."""
    canonical = _article_code(code)
    if canonical is not None:
        return canonical
    else:
        allowed = ", ".join(article.code for article in all_articles())
        message = _("“%(code)s” is not an article of the legal table. Allowed values: %(allowed)s.") % {
            "code": code[:60],
            "allowed": allowed,
        }
        raise ValidationError({field: message} if field else message, code="unknown_article") from None


def article_title(code: str) -> str:
    try:
        return get_article(code).title(_lang())
    except KeyError:
        return code


@functools.cache
def article_choices_codes() -> tuple[str, ...]:
    return tuple(article.code for article in all_articles())


@functools.lru_cache(maxsize=8192)
def _place_code(code: str) -> str | None:
    from vigil.reference.gazetteer import get_place, lookup_place

    try:
        return get_place(code).code
    except KeyError:
        found = lookup_place(code) if code else None
        return found.code if found is not None else None


def check_place(code: str, field: str = "") -> str:
    """A gazetteer code ("RU-DA", "RU/makhachkala", "KG"); a place name the gazetteer knows is turned into its code.

    Anything else is an error that says how to find the code (the gazetteer has hundreds of places, too many to list).
    """
    canonical = _place_code(code[:200])
    if canonical is not None:
        return canonical
    message = _(
        "“%(code)s” is not a place of the gazetteer. Use a country code (RU, KG), a region code (RU-DA) "
        "or a city code (RU/makhachkala), or a place name the gazetteer knows."
    ) % {"code": code[:60]}
    raise ValidationError({field: message} if field else message, code="unknown_place")


@functools.lru_cache(maxsize=8192)
def place_parts(code: str) -> tuple[str, str]:
    """(region code, country code) of a gazetteer place, for filtering by region or country."""
    from vigil.reference.gazetteer import get_place

    if not code:
        return "", ""
    place = get_place(code)
    return place.region_code or "", place.country_code or ""


def place_name(code: str) -> str:
    from vigil.reference.gazetteer import get_place

    if not code:
        return ""
    try:
        return get_place(code).name(_lang())
    except KeyError:
        return code


def place_choices(*, blank: bool = True) -> list[tuple[str, str]]:
    from vigil.reference.gazetteer import all_places

    lang = _lang()
    options = sorted(((p.code, f"{p.name(lang)} ({p.code})") for p in all_places()), key=lambda item: item[1])
    return [("", "—"), *options] if blank else options
