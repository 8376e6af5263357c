"""Split one report into incidents: one per victim and event.

How news reports about these persecutions are built, and what we do with it:

- The report follows one main victim (the most-mentioned person in clauses with
  acts, who is not introduced by a role such as "police chief" or "lawyer").
  Paragraphs that name that victim, the lead, and paragraphs that simply go on
  ("He also alleged...") form the main incident.
- A paragraph about many people ("such round-ups", "local men", "задержанных")
  that gives its own date is a separate event: a pattern incident with
  ``victims: null``; the paragraphs that follow it about the same people join it.
  A pattern with no date ("in recent years") is context, not an incident.
- A clause in which private people (extortionists, relatives) film, out or beat
  the victim before the state acts ("detained after a video circulated where
  local extortionists forced him to admit he is gay") is its own incident with
  its own perpetrators; the main incident keeps the state's acts.
- When several victims each have their own age or citizenship ("21-летний
  Хаоян ... 24-летним Гелой"), the main incident is split per victim: shared
  clauses ("их задержали") go to each, a clause naming one victim only
  ("Гогишвили отпустили, а Сюй суд арестовал") to that victim.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vigil.extraction import entities
from vigil.extraction.analysis import Analysis, role_person
from vigil.extraction.dates import DateMention
from vigil.extraction.people import group_word_regex, singular_pronoun_regex

STATE = frozenset({"police", "security_service", "military", "court", "prosecutor", "other_state"})
PRIVATE = frozenset({"private_individual", "family"})
PRIVATE_ACTS = frozenset(
    {
        "filming_or_humiliation",
        "outing_or_threat_of_outing",
        "extortion",
        "beating_or_torture",
        "threats_or_intimidation",
        "sexual_violence_or_harassment",
    }
)
SUBORDINATOR = re.compile(r"\b(?:after|when|where|because|после\s+того\s+как|после|когда|где|поскольку)\b", re.I)
CLAUSE_END = re.compile(r"[,;:.!?—–]")


@dataclass
class Plan:
    kind: str  # "person" (one victim or a counted group) or "pattern" (victims unknown)
    units: set[int] = field(default_factory=set)
    person: str | None = None
    date_key: str | None = None
    only: tuple[int, int] | None = None  # restrict to this span (a clause-level incident)
    exclude: list[tuple[int, int]] = field(default_factory=list)
    year_only: bool = False
    group: bool = False  # a round-up: one incident for a counted crowd ("detaining about 50 people")
    main_victim: bool = False  # the main victim's incident or a later episode of it, named or not
    age: int | None = None  # one of an unnamed pair known by age ("a 20-year-old and his 22-year-old friend")

    def keeps(self, analysis: Analysis, position: int) -> bool:
        if analysis.unit_of(position) not in self.units:
            return False
        if self.only is not None and not self.only[0] <= position < self.only[1]:
            return False
        return not any(s <= position < e for s, e in self.exclude)


def _word_clusters(analysis: Analysis) -> dict[str, str]:
    out: dict[str, str] = {}
    for index, person in enumerate(analysis.persons):
        cluster = analysis.person_key.get(index)
        if cluster is None:
            continue
        for word in person.text.split():
            out.setdefault(entities.name_key(word), cluster)
    return out


def age_owner(analysis: Analysis, words: dict[str, str], name: str | None) -> str | None:
    return words.get(entities.name_key(name)) if name else None


def citizenship_owner(analysis: Analysis, start: int, end: int) -> str | None:
    """The person named right after a citizenship phrase ("китаец Сюй Хаоян")."""
    for index, person in enumerate(analysis.persons):
        if end <= person.start <= end + 30 and "." not in analysis.text[end : person.start]:
            return analysis.person_key.get(index)
    return None


HEADING_PUNCTUATION = " \t.:;—–-▪▫•●■□◾◽►▶*\ufe0f"
ENUMERATOR = re.compile(r"^\s*(?:\d{1,2}|[IVX]{1,4})[.)]\s+")


def heading_places(analysis: Analysis) -> dict[int, Any]:
    """Paragraph -> the place that heads it as a section title ("Краснодар. В октябре ...", "Kyrgyzstan.").

    Monitoring digests give each case a paragraph that opens with a bare place name; the case happened
    there unless its own sentences name a place of the act.
    """
    out: dict[int, Any] = {}
    seen: set[int] = set()
    for unit in analysis.units:
        if unit.paragraph in seen:
            continue
        seen.add(unit.paragraph)
        if unit.index in analysis.headline:
            continue
        titled = _titled_section(analysis, unit)
        if titled is not None:
            out[unit.paragraph + 1] = titled
            continue
        # "2. Shymkent.", "III) Дагестан": a numbered section is headed by the place after its number
        title = ENUMERATOR.sub("", analysis.unit_text(unit.index)).strip(HEADING_PUNCTUATION)
        if not title or len(title) > 40:
            continue
        for mention in analysis.places:
            surface = mention.surface.strip(HEADING_PUNCTUATION)
            # "Pyatigorsk, Stavropol Krai.": the city, then its region
            if unit.start <= mention.start < unit.end and surface in (title, title.split(",")[0].strip()):
                out[unit.paragraph] = mention
                break
    return out


TITLE_CHARS = 90


def _titled_section(analysis: Analysis, unit: Any) -> Any:
    """ "Bishkek: strip-search and a "fee" for release" on a line of its own, the case below it: the place
    that opens a short title line (no final full stop) heads the next paragraph."""
    text = analysis.unit_text(unit.index)
    if len(text) > TITLE_CHARS or text.rstrip().endswith((".", "!", "?")) or "\n" in text.strip():
        return None
    if any(u.paragraph == unit.paragraph and u.index != unit.index for u in analysis.units):
        return None
    for mention in analysis.places:
        if mention.start == unit.start and re.match(r"\s*[:—–-]\s", analysis.text[mention.end : mention.end + 3]):
            return mention
    return None


def _persons_in(analysis: Analysis) -> dict[int, set[str]]:
    by_unit: dict[int, set[str]] = {}
    for index, person in enumerate(analysis.persons):
        cluster = analysis.person_key.get(index)
        if cluster is not None:
            by_unit.setdefault(analysis.unit_of(person.start), set()).add(cluster)
    return by_unit


def main_victim(analysis: Analysis) -> str | None:
    act_units = {analysis.unit_of(m.start) for m in analysis.acts + analysis.outcomes}
    words = _word_clusters(analysis)
    # A name is a role's holder ("Chechen leader Ramzan Kadyrov") when most of its mentions carry the
    # role; "адвокат Гаджиева" (his lawyer) once does not make the victim a lawyer.
    role_votes: Counter[str] = Counter()
    all_votes: Counter[str] = Counter()
    for i in range(len(analysis.persons)):
        if i in analysis.person_key:
            all_votes[analysis.person_key[i]] += 1
            role_votes[analysis.person_key[i]] += role_person(analysis, i)
    roles = {key for key, n in role_votes.items() if n * 2 >= all_votes[key]}
    score: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for index, person in enumerate(analysis.persons):
        cluster = analysis.person_key.get(index)
        if cluster is not None and cluster not in roles:
            score[cluster] += 2 if analysis.unit_of(person.start) in act_units else 1
            mentions[cluster] += 1
    for age in analysis.ages:
        owner = age_owner(analysis, words, age.name)
        if owner:
            score[owner] += 3
            mentions[owner] += 1
    # A name said once is more often a district or a bystander than the victim.
    first: dict[str, int] = {}
    for index, person in enumerate(analysis.persons):
        cluster = analysis.person_key.get(index)
        if cluster is not None:
            first.setdefault(cluster, person.start)
    # On a tie the person named first: the report opens with its main victim.
    candidates = [
        (value, -first.get(key, len(analysis.text)), key)
        for key, value in score.items()
        if mentions[key] >= 2 and value >= 3
    ]
    return max(candidates)[2] if candidates else None


def _event_dates(analysis: Analysis, units: set[int], act_units: set[int]) -> list[DateMention]:
    return [d for d in analysis.dates if analysis.unit_of(d.start) in units & act_units]


def _another_victim(
    analysis: Analysis,
    units: set[int],
    act_units: set[int],
    main: str | None,
    words: dict[str, str],
    main_plan: Plan,
) -> bool:
    """A paragraph about a different person: own age, own event date, not the main victim."""
    ages = [a for a in analysis.ages if analysis.unit_of(a.start) in units]
    if not ages or any(main and age_owner(analysis, words, a.name) == main for a in ages):
        return False
    if main and any(age_owner(analysis, words, a.name) not in (None, main) for a in ages):
        return True  # a second named person with their own age, caught in an act of this paragraph
    known = {a.age for a in analysis.ages if analysis.unit_of(a.start) in main_plan.units}
    if known and not {a.age for a in ages} & known:
        return True  # "a 24-year-old acquaintance ... was detained" after the 30-year-old victim
    found = _event_dates(analysis, units, act_units)
    main_month = _plan_month(analysis, main_plan, {u for u in main_plan.units if u in act_units})
    return bool(found) and found[0].value[:7] != main_month


def _named_other(
    analysis: Analysis,
    units: set[int],
    main: str | None,
    words: dict[str, str],
    persons: dict[int, set[str]],
    main_plan: Plan,
) -> bool:
    """A paragraph that gives the age of a named person other than the main victim, and not his ("Rakhimov's
    partner, 28-year-old Nikita Ovchinnikov, was fined"; "Ruslan, a 19-year-old student" after "Alim, 24")."""
    ages = [a for a in analysis.ages if analysis.unit_of(a.start) in units]
    owners = {age_owner(analysis, words, a.name) for a in ages}
    if main is None or not ages or main in owners:
        return False
    if owners - {None}:
        return True
    known = {a.age for a in analysis.ages if analysis.unit_of(a.start) in main_plan.units}
    named = set().union(*(persons.get(analysis.unit_of(a.start), set()) for a in ages))
    if not known or {a.age for a in ages} & known:
        return False
    # "His flatmate, a 20-year-old student": the age of a companion named by his relation to the victim
    from vigil.extraction.people import companion_regex

    companion = any(companion_regex().search(analysis.text[max(0, a.start - 40) : a.start]) for a in ages)
    return bool(named - {main}) or companion


def _plan_month(analysis: Analysis, plan: Plan, act_units: set[int]) -> str | None:
    found = _event_dates(analysis, plan.units, act_units)
    return found[0].value[:7] if found else None


def segment(analysis: Analysis) -> list[Plan]:
    act_units = {analysis.unit_of(m.start) for m in analysis.acts}
    if not act_units:
        return []
    outcome_units = {analysis.unit_of(m.start) for m in analysis.outcomes}
    persons = _persons_in(analysis)
    main = main_victim(analysis)
    group_re = group_word_regex()
    singular_re = singular_pronoun_regex()
    paragraphs: dict[int, set[int]] = {}
    for unit in analysis.units:
        paragraphs.setdefault(unit.paragraph, set()).add(unit.index)

    main_plan = Plan("person", person=main, main_victim=True)
    patterns: list[Plan] = []
    others: list[Plan] = []
    words = _word_clusters(analysis)
    current: Plan | None = main_plan
    companions = _companion_units(analysis, act_units | outcome_units)
    companion_plan = Plan("person")
    episodes: list[Plan] = []
    headings = heading_places(analysis)
    number = -1
    main_section = False  # the main incident is a digest section's case
    for paragraph, all_units in sorted(paragraphs.items()):
        if all_units <= analysis.headline:
            main_plan.units |= all_units
            continue
        number += 1
        companion_plan.units |= all_units & companions
        units = all_units - companions
        if not units:
            continue
        names_main = main is not None and any(main in persons.get(u, ()) for u in units)
        if paragraph in headings and units & act_units and (not names_main or main_section):
            # A digest section ("Краснодар. ..."): its own case; paragraphs without a heading that follow
            # it go on about it.  A later section is a case of its own even when it names the person the
            # report mentions most.
            if main_plan.units & act_units:
                current = Plan("person")
                others.append(current)
            else:
                current = main_plan
                main_section = True
            current.units |= units
            continue
        if (
            number > 0
            and (names_main or current in episodes)
            and units & act_units
            and _same_day(analysis, units, act_units, main_plan)
        ):
            # the main event told again in detail ("Утром 29 июля к ней пришли ..."), after an aside
            main_plan.units |= units
            current = main_plan
            continue
        if (
            number > 0
            and (names_main or current is main_plan or current in episodes)
            and units & act_units
            and main_plan.units & act_units  # a new episode needs an earlier one of the main victim
            and (
                _new_episode(analysis, units, act_units, main_plan)
                or _other_agents(analysis, units, act_units, current or main_plan)
                or _other_country(analysis, units, act_units, current or main_plan)
            )
        ):
            current = Plan("person", person=main, main_victim=True)
            current.units |= units
            episodes.append(current)
            continue
        # A paragraph that gives someone's age is about that person, whatever plural it mentions
        # ("переписки с другими мужчинами").
        aged = any(analysis.unit_of(a.start) in units for a in analysis.ages)
        # ... and one whose first sentence refers to one person ("ему надевали на голову пакет ... требуя
        # назвать других геев") goes on about that person.
        singular = bool(singular_re.search(analysis.unit_text(min(units))))
        group = (
            not names_main and not aged and not singular and any(group_re.search(analysis.unit_text(u)) for u in units)
        )
        has_acts = bool(units & act_units)
        # A lead about a counted group ("задержали двух геев") announces the victims
        # the report then names; an uncounted one ("Bishkek homosexuals") is context.
        counted = any(analysis.unit_of(c.start) in units for c in analysis.counts)
        lead = number <= 1 and (not group or counted)
        if not has_acts:
            outcome_only = bool(units & outcome_units) and (not group or _counted_main(analysis, main, main_plan))
            if names_main or lead or outcome_only:
                main_plan.units |= units
            if current is not main_plan:
                current = None
            continue
        if names_main and number > 0 and _named_other(analysis, units, main, words, persons, main_plan):
            current = Plan("person")  # "Rakhimov's partner, 28-year-old Nikita Ovchinnikov, was fined"
            current.units |= units
            others.append(current)
        elif names_main and current in episodes:
            current.units |= units  # the episode goes on ("Back in Baksan ...")
        elif names_main:
            main_plan.units |= units
            current = main_plan
        elif number > 0 and _another_victim(analysis, units, act_units, main, words, main_plan):
            current = Plan("person")  # "в декабре в Магасе был задержан 19-летний студент"
            current.units |= units
            others.append(current)
        elif lead:
            main_plan.units |= units
            current = main_plan
        elif group:
            found = _event_dates(analysis, units, act_units)
            key = found[0].value[:7] if found else None
            counted_main = main is None and any(analysis.unit_of(c.start) in main_plan.units for c in analysis.counts)
            if (
                counted_main
                and current is main_plan
                and (key is None or key == _plan_month(analysis, main_plan, act_units))
            ):
                main_plan.units |= units  # "The men were held...": the counted group of the lead
                continue
            if key and (current is None or current is main_plan or current.date_key != key):
                current = Plan("pattern", date_key=key)
                patterns.append(current)
            if current is not None and current is not main_plan:
                current.units |= units
        else:
            (current or main_plan).units |= units
            current = current or main_plan

    roundups = _roundups(analysis, act_units, persons)
    for _, own in roundups:
        spans = [(analysis.units[u].start, analysis.units[u].end) for u in own]
        for plan in (main_plan, *episodes, *others, *patterns, companion_plan):
            plan.exclude.extend(spans)

    plans: list[Plan] = []
    if main_plan.units & act_units:
        private = _private_event(analysis, main_plan)
        plans.extend(_split_by_victim(analysis, main_plan, persons))
        if private is not None:
            plans.append(private)
    plans.extend(p for p in episodes if p.units & act_units)
    for other in others:
        if other.units & act_units:
            plans.extend(_split_by_victim(analysis, other, persons))
    if companion_plan.units & act_units:
        from vigil.extraction.people import companion_regex

        pattern = companion_regex()
        # the companion already has an incident of his own ("His flatmate, a 20-year-old student, was
        # taken"): a later clause about him repeats it
        if not any(pattern.search(analysis.unit_text(u)) for p in others for u in p.units):
            plans.append(companion_plan)
    for plan in patterns:
        codes = {m.code for m in analysis.acts if analysis.unit_of(m.start) in plan.units}
        if len(codes) >= 2:
            plans.append(plan)
    plans = [p for p in plans if any(p.keeps(analysis, m.start) for m in analysis.acts)]
    plans.extend(roundup for roundup, _ in roundups)
    return plans


# A crowd detained at once ("about 50 people", «около 20 человек») is a round-up incident of its own; a smaller
# counted group ("пятерых мужчин на «свидании»") is the victims the report then follows.
ROUNDUP_MIN = 10


def _roundups(analysis: Analysis, act_units: set[int], persons: dict[int, set[str]]) -> list[tuple[Plan, set[int]]]:
    """Round-ups of a counted crowd ("detaining about 50 people", «в отдел доставили около 20 человек»).

    A clause with an act and a count of at least ``ROUNDUP_MIN`` people is one group incident.  The clauses of
    its paragraph after it that name no person and give no age go on about the crowd (they leave the other
    incidents); the clauses before it that name no one set the scene (date, place) and are shared.
    """
    aged = {analysis.unit_of(a.start) for a in analysis.ages}
    out: list[tuple[Plan, set[int]]] = []
    taken: set[int] = set()
    for count in analysis.counts:
        unit = analysis.unit_of(count.start)
        # the crowd may be counted in another sentence of the paragraph that tells of its detention ("Рейд
        # начался ... посетителей — около пятидесяти человек — поставили лицом к стене")
        paragraph_detained = any(
            m.code == "arbitrary_detention"
            and analysis.units[analysis.unit_of(m.start)].paragraph == analysis.units[unit].paragraph
            and analysis.unit_of(m.start) < unit
            for m in analysis.acts
        )
        near_act = unit in act_units or paragraph_detained
        if count.count < ROUNDUP_MIN or not near_act or unit in taken or unit in analysis.headline:
            continue
        if unit in aged or persons.get(unit):
            continue
        paragraph = analysis.units[unit].paragraph
        same = [u.index for u in analysis.units if u.paragraph == paragraph]
        own = {unit}
        for later in (u for u in same if u > unit):
            if later in aged or persons.get(later):
                break
            own.add(later)
        shared: set[int] = set()
        for earlier in sorted((u for u in same if u < unit), reverse=True):
            if earlier in aged or persons.get(earlier):
                break
            shared.add(earlier)
        taken |= own
        plan = Plan("person", units=own | shared, group=True)
        out.append((plan, own))
    return out


# Episode acts: a new detention, beating or threat, not a later stage of the same case (a trial, an
# arrest term, an expulsion).
EPISODE_ACTS = frozenset(
    {
        "arbitrary_detention",
        "beating_or_torture",
        "abduction_or_disappearance",
        "outing_or_threat_of_outing",
        "threats_or_intimidation",
        "sexual_violence_or_harassment",
        "extortion",
        "killing",
    }
)
LEADING_DATE_CHARS = 25


def _new_episode(analysis: Analysis, units: set[int], act_units: set[int], main_plan: Plan) -> bool:
    """A paragraph that opens with its own later date ("In April, ...") and a new act is a new episode."""
    # the paragraph's first sentence with an act ("His troubles did not end there. On October 2, ...")
    first = min(units & act_units, default=min(units))
    start = analysis.units[first].start
    leading = [d for d in analysis.dates if start <= d.start < start + LEADING_DATE_CHARS]
    if not leading:
        return False
    codes = {m.code for m in analysis.acts if analysis.unit_of(m.start) in units}
    if not codes & EPISODE_ACTS:
        return False
    main_dates = _event_dates(analysis, main_plan.units, act_units)
    if not main_dates:
        return False
    earlier = max(d.value[:7] for d in main_dates)
    return leading[0].value[:7] > earlier and len(leading[0].value) >= 7


def _same_day(analysis: Analysis, units: set[int], act_units: set[int], main_plan: Plan) -> bool:
    """The paragraph's acts are dated to the very day of the main victim's dated event."""
    mine = {d.value for d in _event_dates(analysis, units, act_units) if d.precision == "day"}
    main = {d.value for d in _event_dates(analysis, main_plan.units, act_units) if d.precision == "day"}
    return bool(mine & main)


def _counted_main(analysis: Analysis, main: str | None, main_plan: Plan) -> bool:
    """The report follows a counted group ("задержали шестерых мужчин"): "мужчин отпустили" is about them."""
    return main is None and any(analysis.unit_of(c.start) in main_plan.units for c in analysis.counts)


def _perpetrator_codes(analysis: Analysis, units: set[int]) -> set[str]:
    return {m.code for m in analysis.perpetrators if analysis.unit_of(m.start) in units}


def _other_agents(analysis: Analysis, units: set[int], act_units: set[int], before: Plan) -> bool:
    """A paragraph where other agents act on the victim: relatives after the police handed him over
    ("дядя ... пригрозил"), or the police after private abusers ("Через две недели пришли полицейские")."""
    mine = _perpetrator_codes(analysis, units & act_units)
    earlier = _perpetrator_codes(analysis, before.units & act_units)
    if not mine or not earlier:
        return False
    if mine <= {"family"} and earlier & STATE:
        return True
    detained = any(m.code == "arbitrary_detention" for m in analysis.acts if analysis.unit_of(m.start) in units)
    if not (detained and mine & STATE and earlier <= PRIVATE):
        return False
    # the earlier episode was the private abusers' alone: they abused him, nobody detained him
    return not any(m.code == "arbitrary_detention" and analysis.unit_of(m.start) in before.units for m in analysis.acts)


def _act_countries(analysis: Analysis, units: set[int]) -> set[str]:
    """Countries of the cities named in ``units``, leaving out origins, relatives' homes and destinations
    ("to your mother in Kulob", "put on a flight to Dushanbe"): they are not where anything was done."""
    from vigil.extraction.pipeline import _not_locating_contexts
    from vigil.reference import gazetteer

    origin, leaving = _not_locating_contexts()
    return {
        gazetteer.country_of(m.place).code
        for m in analysis.places
        if analysis.unit_of(m.start) in units
        and m.place.kind == "city"
        and not m.adjectival
        and not origin.search(analysis.text[max(0, m.start - 30) : m.start])
        and not leaving.search(analysis.text[max(0, m.start - 40) : m.start])
    }


def _other_country(analysis: Analysis, units: set[int], act_units: set[int], before: Plan) -> bool:
    """Acts in a city of another country than the episode before ("At Tashkent airport ... officers held
    him" after a detention in Moscow) are a new episode."""
    mine = _act_countries(analysis, units & act_units)
    # where the earlier episode's acts happened, else where its paragraphs set the scene ("a courier in Moscow")
    earlier = _act_countries(analysis, before.units & act_units) or _act_countries(analysis, before.units)
    return len(mine) == 1 and bool(earlier) and not mine & earlier


SOURCE_BEFORE = re.compile(r"(?:\bпо\s+словам|\bсо\s+слов|\baccording\s+to)\s+(?:\w+\s+)?$", re.I)
WITH_BEFORE = re.compile(r"(?:\bс|\bсо|\bwith)\s+(?:\w+\s+)?$", re.I)


def _companion_units(analysis: Analysis, act_units: set[int]) -> set[int]:
    """Clauses about a companion of the victim ("самого друга задержали ещё в марте", "his friend
    disappeared"): another person's incident, not the main victim's."""
    from vigil.extraction.people import companion_regex

    pattern = companion_regex()
    out: set[int] = set()
    for unit in act_units:
        text = analysis.unit_text(unit)
        match = pattern.search(text)
        if match is None or WITH_BEFORE.search(text[: match.start()]) or SOURCE_BEFORE.search(text[: match.start()]):
            continue  # "переписку с подругой", "chats with a friend", «по словам подруги»: not the one acted on
        # the companion is the clause's subject or object: at its start or right before/after the act
        acts_here = [m for m in analysis.acts + analysis.outcomes if analysis.unit_of(m.start) == unit]
        begin = analysis.units[unit].start
        if any(abs((begin + match.start()) - m.start) <= 40 for m in acts_here):
            out.add(unit)
    return out


def _split_by_victim(analysis: Analysis, plan: Plan, persons: dict[int, set[str]]) -> list[Plan]:
    words = _word_clusters(analysis)
    victims: list[str] = []
    for age in analysis.ages:
        owner = age_owner(analysis, words, age.name)
        if owner and analysis.unit_of(age.start) in plan.units and owner not in victims:
            victims.append(owner)
    for mention in analysis.citizenship:
        owner = citizenship_owner(analysis, mention.start, mention.end)
        if owner and analysis.unit_of(mention.start) in plan.units and owner not in victims:
            victims.append(owner)
    if len(victims) < 2:
        return _split_by_age(analysis, plan, words)
    # each victim's part keeps what the whole left out (a round-up's own clauses, a private abusers' clause)
    split = [Plan("person", person=v, exclude=list(plan.exclude)) for v in victims]
    for unit in plan.units:
        named = persons.get(unit, set()) & set(victims)
        for part in split:
            if len(named) != 1 or part.person in named:
                part.units.add(unit)
    return split


def _split_by_age(analysis: Analysis, plan: Plan, words: dict[str, str]) -> list[Plan]:
    """Two people told apart only by their ages ("двух молодых людей — 20-летнего студента и его приятеля,
    22-летнего ...", "a 24-year-old citizen of Kyrgyzstan and a 29-year-old citizen of Uzbekistan") are two
    victims: one incident each.  A sentence that gives one of the ages only is that person's; the others
    are both.  Three or more ages are left together (a decoy's age, "posed as a 15-year-old")."""
    if plan.group or plan.kind != "person":
        return [plan]
    unnamed = [a for a in analysis.ages if plan.keeps(analysis, a.start) and not age_owner(analysis, words, a.name)]
    distinct = sorted({a.age for a in unnamed}, key=lambda value: min(a.start for a in unnamed if a.age == value))
    if len(distinct) != 2 or any(a.joint for a in unnamed):
        return [plan]  # "two men, aged 25 and 29": one group
    parts = [
        Plan(
            "person",
            person=plan.person if index == 0 else None,
            exclude=list(plan.exclude),
            only=plan.only,
            main_victim=plan.main_victim and index == 0,
            age=value,
        )
        for index, value in enumerate(distinct)
    ]
    for unit in plan.units:
        here = {a.age for a in unnamed if analysis.unit_of(a.start) == unit}
        for part in parts:
            if len(here) != 1 or part.age in here:
                part.units.add(unit)
    return parts


def _private_event(analysis: Analysis, plan: Plan) -> Plan | None:
    """Carve out a clause where private people abused the victim before the state did."""
    perps = [m for m in analysis.perpetrators if analysis.unit_of(m.start) in plan.units]
    if not any(m.code in STATE for m in perps):
        return None
    for perp in perps:
        if perp.code not in PRIVATE:
            continue
        unit = analysis.units[analysis.unit_of(perp.start)]
        first_act = min((m.start for m in analysis.acts if unit.start <= m.start < perp.start), default=None)
        if first_act is None:
            continue
        openers = [m.start() for m in SUBORDINATOR.finditer(analysis.text, first_act, perp.start)]
        if not openers:
            continue
        start = openers[0]
        close = CLAUSE_END.search(analysis.text, perp.end, unit.end)
        end = close.start() if close else unit.end
        inside = [m for m in analysis.acts if start <= m.start < end]
        if not any(m.code in PRIVATE_ACTS for m in inside):
            continue
        if any(m.code in STATE for m in analysis.perpetrators if start <= m.start < end):
            continue
        plan.exclude.append((start, end))
        return Plan("person", units={unit.index}, person=plan.person, only=(start, end), year_only=True)
    return None
