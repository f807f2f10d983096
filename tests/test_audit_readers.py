"""Format recognition, streaming readers and the cleaning of DECP quirks."""

import datetime as dt

import pytest

from engine.audit import quirks, readers, records
from tests._audit import FIXTURES, TODAY, shared_samples


@pytest.mark.parametrize("name, expected", [
    ("decp-2022-cas.json", "json"), ("decp-2019-cas.json", "json"),
    ("decp-augmente-cas.csv", readers.CSV_AUGMENTED), ("decp-tabulaire-cas.csv", readers.CSV_TABULAR),
])
def test_sniff_from_content(name, expected, tmp_path):
    copy = tmp_path / "sans_extension"  # the name does not matter, the content does
    copy.write_bytes((FIXTURES / name).read_bytes())
    assert readers.sniff(copy) == expected


def test_sniff_refuses_other_files(tmp_path):
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(readers.UnreadableFile, match="format non reconnu"):
        readers.sniff(other)
    empty = tmp_path / "vide.json"
    empty.write_bytes(b"\xef\xbb\xbf  \n")
    with pytest.raises(readers.UnreadableFile, match="vide"):
        readers.sniff(empty)


def _read(name):
    return list(readers.read(FIXTURES / name))


def test_json_2022_marches_and_concessions():
    items = _read("decp-2022-cas.json")
    assert {fmt for fmt, _, _ in items} == {readers.JSON_2022}
    assert [pos for _, pos, _ in items] == list(range(1, len(items) + 1))
    concession = items[-1][2]
    assert concession["id"] == "DSP-2027" and concession["_concession"] is True


def test_json_2019_scalar_record_is_a_problem_not_a_stop():
    items = _read("decp-2019-cas.json")
    problems = [rec for _, _, rec in items if isinstance(rec, readers.ReadProblem)]
    assert len(items) == 4 and len(problems) == 1
    assert "pas un objet" in problems[0].reason


def test_truncated_json_keeps_records_before_the_cut():
    items = _read("decp-2022-tronque.json")
    good = [rec["id"] for _, _, rec in items if isinstance(rec, dict)]
    assert good == ["W-CLAUSE", "W-SANS"]
    assert isinstance(items[-1][2], readers.ReadProblem) and "tronqué" in items[-1][2].reason


def test_csv_short_row_is_counted():
    items = _read("decp-augmente-cas.csv")
    assert [type(rec).__name__ for _, _, rec in items] == ["dict", "dict", "ReadProblem"]


def test_progress_counts_every_byte():
    seen = []
    list(readers.read(FIXTURES / "decp-tabulaire-cas.csv", seen.append))
    assert sum(seen) == (FIXTURES / "decp-tabulaire-cas.csv").stat().st_size


@pytest.mark.parametrize("raw, expected", [
    ("2018-10-12+02:00", (dt.date(2018, 10, 12), True)),
    ("2024-01-05", (dt.date(2024, 1, 5), False)),
    ("2024-01-05T10:00:00Z", (dt.date(2024, 1, 5), True)),
    ("05/01/2024", (dt.date(2024, 1, 5), True)),
    ("2024-02-30", (None, False)),
    ("1900-01-01", (None, False)),
    ("CDL", (None, False)),
    (None, (None, False)),
])
def test_dates(raw, expected):
    assert quirks.date(raw, TODAY) == expected


@pytest.mark.parametrize("raw, expected", [
    ("7789456.56", 7789456.56), ("1.0E7", 1e7), (61100, 61100.0), ("61 100,50", 61100.5), ("MQ", None),
    ("CDL", None), ("", None), (True, None), ("abc", None),
])
def test_amounts(raw, expected):
    assert quirks.amount(raw) == expected


def test_lists_cpv_and_text():
    assert quirks.listing("['Pas de considération sociale']") == ["Pas de considération sociale"]
    assert quirks.listing({"considerationSociale": ["Clause sociale", "Critère social"]}) == [
        "Clause sociale", "Critère social"]
    assert quirks.listing([]) == [] and quirks.listing(None) is None and quirks.listing("CDL") is None
    assert quirks.cpv("45320000-6") == ("45320000", "6") and quirks.cpv("3000000") == ("03000000", None)
    assert quirks.cpv("4532") == (None, None)
    assert quirks.text("D&#8217;INFRASTRUCTURES \n  ") == "D’INFRASTRUCTURES"
    assert quirks.key("CONCESSION DE TRAVAUX") == "concession de travaux"


def test_augmented_csv_record():
    fmt, pos, raw = _read("decp-augmente-cas.csv")[0]
    r = records.normalise(fmt, raw, "f.csv", pos, TODAY)
    assert (r.id, r.buyer_id, r.buyer_name, r.amount) == ("CSV-AC", "21750001600019", "", 6_000_000.0)
    assert r.objet == "TRAVAUX D’ENTRETIEN" and r.social == ["Pas de considération sociale"]
    assert r.techniques == ["accord-cadre"] and r.framework_id == "CSV-AC" and not r.amended


def test_v1_concession_and_missing_notification():
    items = [rec for _, _, rec in _read("decp-2019-cas.json") if isinstance(rec, dict)]
    first, second, concession = (records.normalise(readers.JSON_2019, raw, "f", i, TODAY)
                                 for i, raw in enumerate(items, 1))
    assert first.notification == dt.date(2019, 3, 1) and "date_reparee" in first.flags
    assert second.notification == dt.date(2019, 4, 2) and "date_reparee" in second.flags  # publication date
    assert second.amended and second.amount == 50_000.0 and second.social is None
    assert concession.concession and concession.amount == 7789456.56 and concession.buyer_id == "22320001500012"


def test_shared_samples_every_format_read_without_problem():
    decp = shared_samples()
    expected = {"decp-2019-sample.json": (readers.JSON_2019, 158), "decp-2022-sample.json": (readers.JSON_2022, 119),
                "decp-tabular-sample.csv": (readers.CSV_TABULAR, 121),
                "decp-augmente-2019-sample.csv": (readers.CSV_AUGMENTED, 9),
                "decp-augmente-2022-sample.csv": (readers.CSV_AUGMENTED, 1)}
    for name, (fmt, count) in expected.items():
        items = list(readers.read(decp / name))
        assert all(isinstance(rec, dict) for _, _, rec in items), name
        assert {f for f, _, _ in items} == {fmt} and len(items) == count, name
