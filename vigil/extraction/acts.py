"""Act types, perpetrators and outcomes from the reference vocabularies' triggers.

The vocabularies say which words signal a term; this module adds what a careful
coder does with them in context:

- a negated act ("was not beaten", "его не задерживали") is dropped;
- a threatened or hypothetical prosecution ("threatened with criminal charges",
  "угрожали возбудить уголовное дело") is ``threat_of_prosecution``, not
  ``criminal_prosecution``;
- other hypothetical acts ("to avoid being detained again", "if he refused",
  "могут задержать") are dropped — threats themselves (outing, extortion,
  intimidation) are real acts and stay.

Finer vocabulary terms are reported by their ``export_code``, the coarse code of
the output contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NEGATION = re.compile(
    r"(?:\bnot|\bnever|n't|\bno\b|\bnobody|\bno\s+one|\bwithout|\bdenied|\bне|\bни|\bникто|\bбез|\bнет|\bникогда)"
    r"(?:\s+\w+){0,2}(?:\s+(?:or|nor|или|ни))?\s*$",
    re.I,
)
# Russian negation after the act: «физического насилия к нему не применяли», «задержания не было»,
# «бить не стали».
NEGATION_AFTER = re.compile(
    r"^[\s»\"']*(?:[\w«»\"'-]+\s+){0,3}(?:не|никто\s+не)\s+"
    r"(?:было|были|был|была|применял\w*|стал[аи]?|проводил\w*|последовал\w*|состоял\w*|подтвердил\w*)\b",
    re.I,
)
# Acts done to the offenders, not to the victim: «двое подозреваемых задержаны», "the attackers were
# detained", «уголовное дело о вымогательстве» (a case opened on the victim's complaint).
OFFENDERS = re.compile(
    r"(?:подозреваем\w*|нападавш\w*|вымогател\w*|обвиняем\w*\s+в\s+нападении|злоумышленник\w*|"
    r"suspects?|attackers?|assailants?|extortionists?|blackmailers?|perpetrators?)",
    re.I,
)
CASE_FOR_VICTIM = re.compile(
    r"^\s*(?:\w+\s+){0,2}(?:о|об|по\s+факту|по\s+статье\s+о|into|over|about)\s+(?:the\s+)?"
    r"(?:вымогательств\w*|похищени\w*|избиени\w*|нападени\w*|побо\w*|угроз\w*|разбо\w*|грабеж\w*|"
    r"extortion|assault|attack|beating|kidnapping|abduction|robbery|blackmail)",
    re.I,
)
THREAT = re.compile(r"threat|warn|risk|fac(?:e|es|ing)\b|угрож|грози|пригроз|обеща|шантаж|запуг|рискует|грозит", re.I)
HYPOTHETICAL = re.compile(
    r"\b(?:if|could|would|might|(?-i:may)|avoid|possibly|fear|feared|afraid|unless|whether|"
    r"если|мог|могут|может|могли|бы|боюсь|боится|боялся|опасается|чтобы\s+не|избежать|"
    r"plans?\s+to|planning\s+to|preparing\s+to|seeking\s+to|intends?\s+to|hopes?\s+to|wants?\s+to|"
    r"готовится|собирается|планирует|намерен\w*|надеется|хочет)\b",
    re.I,
)
CLAUSE_BREAK = re.compile(r"[.;:!?—–()\n]|\s-\s|,\s+(?:and|but|which|who|а|но|и|который|которые)\b")
# "urging federal investigators to ...", «обратился в полицию»: the body addressed is not an agent.
ADDRESSEE = re.compile(
    r"(?:\burg\w*|\bcall\w*\s+on|\bappeal\w*\s+to|\basked|\bturned\s+to|\bwent\s+to|\bcomplained\s+to|"
    r"призва\w*|обратил\w*\s+в|обращаться\s+в|обратиться\s+в|обращал\w*\s+в|пожаловал\w*\s+в|"
    r"сдать\s+в|сдадут\s+в|заявлени\w*\s+в|жалоб\w*\s+в|complaints?\s+(?:to|with)|по\s+словам|со\s+слов|according\s+to|told\s+by)\s+(?:\w+\s+){0,2}$",
    re.I,
)
PURPOSE = re.compile(r"\b(?:to\s+stop|to\s+prevent|so\s+that|in\s+order|unless|чтобы|иначе)\b", re.I)
INTERIOR = re.compile(r"(?:police|interior|полиц\w*|внутренних\s+дел|мвд)[\s’'s-]*$", re.I)
STATE_SANCTIONS = frozenset(
    {
        "arbitrary_detention",
        "administrative_arrest",
        "criminal_prosecution",
        "criminal_case_opened",
        "convicted",
        "fine",
        "fined",
    }
)
THREAT_CODES = frozenset(
    {"threat_of_prosecution", "threats_or_intimidation", "outing_or_threat_of_outing", "extortion"}
)


@dataclass(frozen=True)
class TermMention:
    code: str  # export code of the output contract
    term: str  # the finer vocabulary term that fired
    start: int
    end: int
    surface: str
    confidence: float


def _clause_before(text: str, start: int, limit: int = 90) -> str:
    window = text[max(0, start - limit) : start]
    breaks = list(CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def find_terms(vocabulary: str, text: str, lang: str, *, contextual: bool = True) -> list[TermMention]:
    """Trigger hits mapped to export codes, with negation and hypothetical filtering."""
    from vigil.extraction.fastmatch import match_triggers

    out: list[TermMention] = []
    for term, start, end in match_triggers(vocabulary, text, lang):
        code = term.export_code or term.code
        confidence = 0.8
        if contextual:
            before = _clause_before(text, start)
            if NEGATION.search(before[-40:]) or NEGATION_AFTER.match(text[end : end + 60]):
                continue
            if code in STATE_SANCTIONS and _against_offenders(text, start, end, before):
                continue
            if vocabulary == "perpetrator_types":
                if PURPOSE.search(before) or ADDRESSEE.search(before[-50:]):
                    continue  # "to stop my family finding out": the family is not a perpetrator
                if THREAT.search(before):
                    continue  # «пригрозили сдать в полицию», "threatened to tell his father"
                if code == "other_state" and INTERIOR.search(text[max(0, start - 25) : start]):
                    code = "police"  # "police authorities", "Interior Ministry"
            threatened = bool(THREAT.search(before)) or bool(THREAT.search(text[start:end]))
            if code == "criminal_prosecution" and threatened:
                code, confidence = "threat_of_prosecution", 0.7
            elif (
                code not in THREAT_CODES
                and "threat" not in term.code  # a threat of rape or death is itself the act
                and (threatened or HYPOTHETICAL.search(before))
                and vocabulary != "perpetrator_types"
            ):
                continue
        out.append(TermMention(code, term.code, start, end, text[start:end], confidence))
    return _drop_admin_as_criminal(_drop_generic_threats(out))


def _against_offenders(text: str, start: int, end: int, before: str) -> bool:
    """ "двое подозреваемых задержаны", «дело о вымогательстве»: acts against the offenders."""
    after = text[end : end + 40]
    clause_after = CLAUSE_BREAK.split(after, maxsplit=1)[0]
    if OFFENDERS.search(before[-40:]) or OFFENDERS.search(clause_after):
        return True
    return bool(CASE_FOR_VICTIM.match(after))


def _drop_admin_as_criminal(found: list[TermMention]) -> list[TermMention]:
    """ "sentenced to 10 days of administrative arrest" is an administrative case, not a criminal one."""
    arrests = [m for m in found if m.code == "administrative_arrest"]
    return [
        m
        for m in found
        if m.code not in ("criminal_prosecution", "convicted")
        or not any(m.start <= a.start <= m.end + 40 or a.start <= m.start < a.end for a in arrests)
    ]


# A threat that is the means of forcing a phone open ("угрожая избиением, заставили ввести пароль", "threatened
# to break his fingers until he entered the code") is part of the coerced search, not an act of its own.
COERCION_REACH = 70
INTIMIDATION = re.compile(r"intimidat|запуг", re.I)
# How far after "threatened" the content of the threat may begin ("пригрозили, что «вся родня узнает»").
THREAT_OBJECT_REACH = 40


def _drop_generic_threats(found: list[TermMention]) -> list[TermMention]:
    """A generic threat that a finer mention explains is not a separate act: "threatened with criminal
    charges" is a threat of prosecution, "threatened to send the video to his wife" a threat of outing,
    "threatening him until he unlocked his phone" the coercion of a device search."""
    specific = [
        m
        for m in found
        if m.code in ("threat_of_prosecution", "outing_or_threat_of_outing")
        or ("threat" in m.term and m.code != "threats_or_intimidation")
    ]
    unlocks = [m for m in found if m.code == "coerced_device_search"]
    return [
        m
        for m in found
        if m.code != "threats_or_intimidation"
        or INTIMIDATION.match(m.surface)  # "intimidated with outing": intimidation beyond the one threat
        or not (
            # "пригрозили, что «вся родня узнает»": the finer threat follows in the same clause
            any(
                (s.start <= m.end and m.start <= s.end) or 0 <= s.start - m.end <= THREAT_OBJECT_REACH for s in specific
            )
            or any(abs(u.start - m.start) <= COERCION_REACH for u in unlocks)
        )
    ]
