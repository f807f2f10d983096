"""Property-based tests (hypothesis) over the input model and over the text that reaches the document.

Properties:
- whatever the input (valid markets, any JSON value in any field, any bytes, mutated JSON text),
  `evaluate` returns a Decision or raises InputError / NoApplicableVersion, nothing else; every problem
  names a path and carries a printable French message;
- any Unicode text in the text fields is either refused with the field named, or rendered into a valid
  document where it reads back literally (after NFC, whitespace runs read as one space).

Default profile: fast (see tests/conftest.py). Thorough run (≥ 10 000 cases per input property):
    python -m pytest tests/test_properties.py --hypothesis-profile=thorough
"""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
import zipfile
from typing import get_args

import docx
import pytest
from _fields import TEXT_FIELDS, put_text
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from lxml import etree

import engine
from engine.market.model import (
    BuyerType,
    ContractType,
    DerogationReason,
    Mode,
    Procedure,
    Reservation,
    Segment,
)
from engine.market.reading import load_json, parse_market
from engine.testing import docx_text

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

SEGMENTS, PROCEDURES, BUYERS = get_args(Segment), get_args(Procedure), get_args(BuyerType)
CONTRACTS, RESERVATIONS, MODES, REASONS = get_args(ContractType), get_args(Reservation), get_args(Mode), get_args(DerogationReason)
EXPECTED = (engine.InputError, engine.NoApplicableVersion)
PROFILE = settings.default.max_examples  # 50 by default, 10 000 with --hypothesis-profile=thorough

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
any_texts = st.text(max_size=80)
clean_texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80).filter(str.strip)
dates = st.dates().map(lambda d: d.isoformat())
amounts = st.one_of(st.floats(min_value=0.01, max_value=1e9, allow_nan=False), st.integers(1, 10**9))


def _valid_or_wild(valid):
    """Mostly plausible values, sometimes anything JSON can hold."""
    return st.one_of(valid, valid, valid, json_values)


def _market_strategy(vw):
    """Markets whose values come from `vw(valid strategy)`: plausible only, or sometimes anything."""
    plausible = vw is _plausible
    texts = clean_texts if plausible else any_texts
    justification = (st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=20, max_size=120)
                     if plausible else st.text(min_size=20, max_size=120))
    segment = {"segment": st.sampled_from(SEGMENTS)} if plausible else {}
    insertion = st.fixed_dictionaries({}, optional={
        "rate": vw(st.floats(0.001, 1)), "labour_share": vw(st.floats(0.001, 1)),
        "hourly_cost": vw(st.floats(1, 200)), "hours": vw(st.integers(0, 100_000))})
    lots = st.lists(st.fixed_dictionaries(
        {"number": vw(st.from_regex(r"[A-Za-z0-9]{1,4}", fullmatch=True)), "amount": vw(amounts)},
        optional={"title": vw(texts), "segment": vw(st.sampled_from(SEGMENTS)), "mode": vw(st.sampled_from(MODES)),
                  "reserved_for": vw(st.sampled_from(RESERVATIONS)), "insertion": insertion}),
        min_size=1, max_size=4)
    return st.fixed_dictionaries(
        {"amount": vw(amounts), "procedure": vw(st.sampled_from(PROCEDURES)), "buyer_type": vw(st.sampled_from(BUYERS)),
         **segment},
        optional={
            **({} if plausible else {"segment": vw(st.sampled_from(SEGMENTS))}),
            "cpv": vw(st.from_regex(r"[0-9]{8}(-[0-9])?", fullmatch=True)),
            "contract_type": vw(st.sampled_from(CONTRACTS)),
            "reserved_for": vw(st.none() | st.sampled_from(RESERVATIONS)),
            "mode": vw(st.sampled_from(MODES)),
            "launch_date": vw(st.one_of(dates, *[st.dates(dt.date(2022, 1, 1), dt.date(2027, 12, 31)).map(
                lambda d: d.isoformat())] * 3)),
            "title": vw(texts), "buyer_name": vw(texts), "reference": vw(texts),
            "duration_months": vw(st.integers(1, 1200)),
            "insertion": insertion,
            "derogation": st.fixed_dictionaries({"reason": vw(st.sampled_from(REASONS)),
                                                 "justification": vw(justification)}),
            "weights": st.fixed_dictionaries({}, optional={k: vw(st.floats(0, 100)) for k in
                                                           ("price", "environment", "insertion")}),
            "penalty_per_hour": vw(st.floats(0.01, 1000)),
            "facilitator": st.fixed_dictionaries({}, optional={"name": vw(texts), "contact": vw(texts)}),
            "lots": vw(lots),
            **({} if plausible else {"extra": json_values}),
        })


def _plausible(valid):
    return valid


plausible_markets = _market_strategy(_plausible)
markets = _market_strategy(_valid_or_wild)


def _harmless(text: str) -> bool:
    """Fit for a terminal: no control character, surrogate, line separator or bidi control."""
    return not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI for c in text)


BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _check_outcome(market) -> str:
    """Evaluate; only a Decision or the documented errors may come out. Returns what happened."""
    try:
        decision = engine.evaluate(market, on=dt.date(2026, 11, 24))
    except EXPECTED as exc:
        if isinstance(exc, engine.InputError):
            assert exc.problems, "an InputError always names at least one problem"
            for p in exc.problems:
                assert p.path and p.message
                assert _harmless(p.message) and _harmless(p.path), (p.path, p.message)
        return type(exc).__name__
    assert isinstance(decision, engine.Decision)
    assert decision.mode is None or decision.mode in MODES
    if decision.hours is not None:
        assert decision.hours.value >= 0
    return "Decision"


@given(plausible_markets)
def test_plausible_markets_give_a_decision_or_a_documented_error(market):
    """Markets made of valid values: mostly Decisions; the rest InputError (cross-field rules) or date refusals."""
    event(_check_outcome(market))


@given(markets)
def test_any_market_gives_a_decision_or_a_documented_error(market):
    """Plausible and wild markets (dicts): Decision, InputError or NoApplicableVersion, never anything else."""
    extra = market.pop("extra", None)
    if isinstance(extra, dict):  # unknown top-level fields, with any names and values
        market = {**extra, **market}
    elif extra is not None:
        market["extra"] = extra
    event(_check_outcome(market))


@given(markets)
def test_the_same_market_as_json_text_behaves_the_same(market):
    """JSON text of a market (NaN/Infinity written as JSON constants) is judged like the dict."""
    try:
        text = json.dumps(market, allow_nan=True, ensure_ascii=False)
    except (ValueError, UnicodeEncodeError):
        assume(False)
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates in generated text: refused as bytes by the decoder
        encoded = text.encode("utf-8", "surrogatepass")
    event(_check_outcome(encoded))


@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused(data):
    """Random bytes: a Market or an InputError (encoding, syntax, type…), never a crash."""
    try:
        parse_market(data, "test")
    except engine.InputError as exc:
        assert all(_harmless(p.message) and _harmless(p.path) for p in exc.problems)


@given(st.sampled_from(["{", "}", "[", "]", ",", ":", '"', "\\", "0", "-", "e", "NaN", "\ufeff", "\x00", "\ud800",
                        "é", " ", "null", "true", "1e999", "9" * 40]),
       st.integers(0, 10_000), st.integers(0, 3))
def test_mutated_json_text_is_read_or_refused(insert, position, cut):
    """A valid market's JSON with characters inserted or removed: a Market or an InputError."""
    text = json.dumps({"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres",
                       "buyer_type": "collectivite", "title": "Réhabilitation", "lots": [{"number": "1", "amount": 1}]})
    position %= len(text) + 1
    mutated = text[:position] + insert + text[position + cut:]
    try:
        parse_market(mutated, "test")
    except engine.InputError as exc:
        assert all(_harmless(p.message) and _harmless(p.path) for p in exc.problems)


@given(json_values)
def test_any_json_value_as_a_whole_input(value):
    """Any JSON value at the top level (not an object, or an object of anything) is judged, never a crash."""
    event(_check_outcome(value))
    try:
        load_json(json.dumps(value, allow_nan=True))
    except engine.InputError:
        pass


# --- document text ---------------------------------------------------------------------------------

DOC_FIELDS = TEXT_FIELDS
# examples: 2/5 text Word can hold (no C0/C1 controls, no surrogates), 2/5 the same with layout characters
# and the syntax clausier, Jinja, docxtpl and XML care about, 1/5 anything at all (mostly refused)
word_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=120)
mixed_text = st.lists(
    st.characters(blacklist_categories=("Cc", "Cs")).map(str)
    | st.sampled_from(["\t", "\n", "\r\n", " ", "\u00a0", "\u2028", "{{", "}}", "{%", "%}", "{_{", "%_}", "⟦#⟧",
                       "⟦reserve⟧", "[à compléter", "&", "<", ">", "'", '"', "]]>"]),
    min_size=1, max_size=60).map("".join)
any_text = st.text(min_size=1, max_size=120)


def _doc_market(values: dict) -> dict:
    market = {"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres", "buyer_type": "collectivite",
              "mode": "condition_execution", "launch_date": "2026-11-24", "facilitator": {},
              "lots": [{"number": "1", "amount": 1_000_000}]}
    for field, text in values.items():
        put_text(market, field, text)
    return market


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@settings(max_examples=max(10, PROFILE // 5), suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(*[st.fixed_dictionaries({f: strategy for f in DOC_FIELDS}) for strategy in (word_text, word_text, mixed_text, mixed_text, any_text)]))
def test_any_text_is_refused_by_name_or_shown_literally(values):
    """Arbitrary Unicode in every text field: refused naming the field, or read back literally in a valid .docx."""
    labelled = {f: f"«{i}» " + (("justification : " if f.startswith("derogation") else "") + t)
                for i, (f, t) in enumerate(values.items())}
    market = _doc_market(labelled)
    try:
        decision = engine.evaluate(market)
    except engine.InputError as exc:
        named = {p.path for p in exc.problems}
        assert named <= set(DOC_FIELDS), named
        event("refusé (champ nommé)")
        return
    event("rendu")
    data = engine.render(decision)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                etree.fromstring(z.read(name))
    docx.Document(io.BytesIO(data))
    body = _flat(docx_text(data))
    for field, text in labelled.items():
        assert _flat(text) in body, (field, text)
