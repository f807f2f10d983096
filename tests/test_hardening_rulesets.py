"""An organisation's edited copy of the rulesets, broken in every usual way: the message names the file,
the rule and the problem (in French), through `clausier --rulesets DIR rules check` and `evaluate`; exit 1,
no traceback from the engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from engine.resources import rulesets_dir

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ROOT = Path(__file__).resolve().parent.parent
MARKET = ROOT / "examples" / "travaux_condition_execution.json"
RULE = "ccp_l2113_13_reserve_siae"
FILE = "rules/ccp_reserves.yaml"
ANCHOR = "- id: ccp_l2113_13_reserve_siae\n  label: Marché réservé aux structures d'insertion par l'activité économique\n"


def _edit(text: str, how: str) -> str:
    """The rule ccp_l2113_13_reserve_siae of ccp_reserves.yaml, broken as `how` says."""
    refs = "references: [ccp_l2113_13, ccp_r2113_7, ctrav_l5132_4]"
    when = "marche: {public: true, reserved_for: siae, contract_type: {not_in: [concession]}}"
    edits = {
        "yaml_syntax": (ANCHOR, ANCHOR + "  text: [non fermé\n"),
        "yaml_tab": (ANCHOR, ANCHOR + "\tvalid_until: 2030-01-01\n"),
        "python_tag": (ANCHOR, ANCHOR + "  note: !!python/object/apply:os.system ['echo pwned']\n"),
        "unknown_key": (ANCHOR, ANCHOR + "  salience: 3\n"),
        "unknown_reference": (refs, "references: [ccp_l2113_13x]"),
        "unknown_parameter": (when, "marche: {public: true, reserved_for: siae, amount: {gte: seuils_ue.travauxx}}"),
        "unknown_field": (when, "marche: {public: true, reserved_for: siae, montant: 3}"),
        "unknown_value": (when, "marche: {public: true, reserved_for: siea}"),
        "wrong_type_date": ("  valid_from: 2019-04-01\n  references: [ccp_l2113_13,",
                            "  valid_from: le premier avril\n  references: [ccp_l2113_13,"),
        "wrong_type_list": (refs, "references: ccp_l2113_13"),
        "dates_reversed": ("  valid_from: 2019-04-01\n  references: [ccp_l2113_13,",
                           "  valid_from: 2019-04-01\n  valid_until: 2018-01-01\n  references: [ccp_l2113_13,"),
        "duplicate_id": ("- id: ccp_l2113_14_reserve_siae_ea_esat\n", f"- id: {RULE}\n"),
        "duplicate_yaml_key": (ANCHOR, ANCHOR + "  label: Un second libellé\n"),
        "missing_key": ("  last_reviewed_on: 2026-11-24\n  when:\n    " + when,
                        "  when:\n    " + when),
        "bad_id": (f"- id: {RULE}\n", "- id: Réservé SIAE\n"),
        "unknown_mode": ("    blocs: [reserve]\n    obligations:\n      - \"L'avis de marché (ou, à défaut d'avis, les "
                         "documents de la consultation) mentionne que le marché est réservé en application de "
                         "l'article L2113-13",
                         "    admet: [clause_verte]\n    blocs: [reserve]\n    obligations:\n      - \"L'avis de "
                         "marché (ou, à défaut d'avis, les documents de la consultation) mentionne que le marché "
                         "est réservé en application de l'article L2113-13"),
    }
    old, new = edits[how]
    assert text.count(old) >= 1, how
    return text.replace(old, new, 1)


# how -> words expected in the message besides the file (and the rule id when it can be known)
CASES = {
    "yaml_syntax": "YAML invalide",
    "yaml_tab": "YAML invalide",
    "python_tag": "YAML invalide",
    "unknown_key": "salience",
    "unknown_reference": "ccp_l2113_13x",
    "unknown_parameter": "seuils_ue.travauxx",
    "unknown_field": "montant",
    "unknown_value": "siea",
    "wrong_type_date": "valid_from",
    "wrong_type_list": "references",
    "dates_reversed": "valid_until",
    "duplicate_id": "déjà utilisé",
    "duplicate_yaml_key": "label",
    "missing_key": "last_reviewed_on",
    "bad_id": "id",
    "unknown_mode": "clause_verte",
}
NO_RULE_ID = {"bad_id"}  # the id itself is what is broken: the message quotes it instead


@pytest.fixture(name="broken")
def _broken(tmp_path):
    """A copy of the shipped rulesets with one rule broken by the test's parameter."""
    def make(how: str) -> Path:
        copy = tmp_path / "regles"
        shutil.copytree(rulesets_dir(), copy)
        path = copy / FILE
        path.write_text(_edit(path.read_text(encoding="utf-8"), how), encoding="utf-8")
        return copy
    return make


@pytest.mark.parametrize("command", [["rules", "check"], ["evaluate", str(MARKET)], ["rules", "list"]],
                         ids=["rules-check", "evaluate", "rules-list"])
@pytest.mark.parametrize("how", list(CASES))
def test_broken_rule_file_names_file_rule_and_problem(broken, how, command):
    """Invalid rules (exit 4); stderr names the file, the rule and the problem, in French, without a traceback."""
    copy = broken(how)
    result = CliRunner().invoke(cli, ["--rulesets", str(copy), *command])
    assert result.exit_code == 4, (result.stderr, result.exception)
    assert result.stdout == ""
    err = result.stderr
    assert "Traceback" not in err and "pwned" not in result.output
    assert FILE in err, err
    if how not in NO_RULE_ID:
        assert RULE in err, err
    assert CASES[how] in err, err


def test_english_pydantic_wording_does_not_reach_the_user(broken):
    """Schema problems are described in French (not 'Extra inputs are not permitted')."""
    for how in ("unknown_key", "wrong_type_date", "wrong_type_list", "missing_key"):
        result = CliRunner().invoke(cli, ["--rulesets", str(broken(how) if how == "unknown_key" else _fresh(broken, how)),
                                          "rules", "check"])
        for english in ("Extra inputs", "Input should", "Field required", "not permitted"):
            assert english not in result.stderr, (how, result.stderr)


def _fresh(broken, how):
    import tempfile

    target = Path(tempfile.mkdtemp()) / "r"
    shutil.copytree(rulesets_dir(), target)
    path = target / FILE
    path.write_text(_edit(path.read_text(encoding="utf-8"), how), encoding="utf-8")
    return target


class TestOtherFiles:
    def test_a_file_that_is_not_utf8(self, tmp_path):
        """A rules file saved in Latin-1: the file is named and UTF-8 requested."""
        copy = tmp_path / "regles"
        shutil.copytree(rulesets_dir(), copy)
        path = copy / FILE
        path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
        result = CliRunner().invoke(cli, ["--rulesets", str(copy), "rules", "check"])
        assert result.exit_code == 4 and FILE in result.stderr and "UTF-8" in result.stderr

    def test_a_rules_file_that_is_not_a_list(self, tmp_path):
        """A mapping where a list of rules is expected."""
        copy = tmp_path / "regles"
        shutil.copytree(rulesets_dir(), copy)
        (copy / FILE).write_text("id: seul\nlabel: x\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["--rulesets", str(copy), "rules", "check"])
        assert result.exit_code == 4 and FILE in result.stderr and "liste de règles" in result.stderr

    def test_a_rule_that_is_not_a_mapping(self, tmp_path):
        """A bare string in the list of rules: its position is named."""
        copy = tmp_path / "regles"
        shutil.copytree(rulesets_dir(), copy)
        path = copy / FILE
        path.write_text("- juste une phrase\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
        result = CliRunner().invoke(cli, ["--rulesets", str(copy), "rules", "check"])
        assert result.exit_code == 4 and FILE in result.stderr and "#1" in result.stderr

    def test_a_broken_parameter_file(self, tmp_path):
        """A dated value that is not a number: the parameter file and name are given."""
        copy = tmp_path / "regles"
        shutil.copytree(rulesets_dir(), copy)
        path = copy / "parameters" / "seuils_ue" / "travaux.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("values:\n", "values:\n  pas-une-date: {value: 1}\n", 1), encoding="utf-8")
        result = CliRunner().invoke(cli, ["--rulesets", str(copy), "rules", "check"])
        assert result.exit_code == 4, result.stderr
        assert "parameters/seuils_ue/travaux.yaml" in result.stderr and "seuils_ue.travaux" in result.stderr

    def test_a_missing_rulesets_folder(self, tmp_path):
        """--rulesets pointing nowhere: invalid rules (exit 4), the folder is named."""
        result = CliRunner().invoke(cli, ["--rulesets", str(tmp_path / "absent"), "rules", "check"])
        assert result.exit_code == 4 and "introuvable" in result.stderr

    def test_the_shipped_rulesets_still_work_after_a_broken_copy(self, broken):
        """A broken copy does not affect the default rulesets in the same process."""
        CliRunner().invoke(cli, ["--rulesets", str(broken("duplicate_id")), "evaluate", str(MARKET)])
        result = CliRunner().invoke(cli, ["evaluate", str(MARKET)])
        assert result.exit_code == 0, result.stderr


def test_a_relative_rulesets_folder_follows_the_working_directory(tmp_path, monkeypatch):
    """The same relative --rulesets in two folders gives each folder's own rules (the cache is keyed by the
    resolved path, not by the argument as given)."""
    from engine.law.knowledge import knowledge

    for name in ("a", "b"):
        shutil.copytree(rulesets_dir(), tmp_path / name / "regles")
        index = tmp_path / name / "regles" / "index.yaml"
        index.write_text(index.read_text(encoding="utf-8").replace('version: "', f'version: "{name}-', 1),
                         encoding="utf-8")
    monkeypatch.chdir(tmp_path / "a")
    first = knowledge("regles")
    monkeypatch.chdir(tmp_path / "b")
    second = knowledge("regles")
    assert first.version.startswith("a-") and second.version.startswith("b-")
    assert knowledge("regles") is second and knowledge(str(tmp_path / "a" / "regles")) is first


@pytest.mark.parametrize("rename, name", [
    ("parameters/pratique/penalite_par_heure.yaml", "pratique.penalite_par_heure"),
    ("parameters/pratique/taux_insertion/proprete.yaml", "pratique.taux_insertion.proprete"),
])
def test_renaming_a_parameter_python_reads_fails_the_check_with_its_name(tmp_path, rename, name):
    """A parameter only Python reads (no rule names it), renamed in one place: `rules check` names it and
    where it is declared (index.yaml, engine section), instead of documents silently changing."""
    root = tmp_path / "regles"
    shutil.copytree(rulesets_dir(), root)
    (root / rename).rename((root / rename).with_name("renomme.yaml"))
    result = CliRunner().invoke(cli, ["--rulesets", str(root), "rules", "check"])
    assert result.exit_code != 0
    assert "index.yaml" in result.output and f"« {name} »" in result.output and "engine." in result.output


@pytest.mark.parametrize("section, old, new", [
    ("contenus.yaml", "criteres_objet:", "criteres_de_l_objet:"),
    ("formulations.yaml", "mode_non_admis:", "mode_refuse:"),
    ("rules/ccp_criteres.yaml", "ligne_environnementale", "ligne_verte"),
])
def test_renaming_a_block_content_or_wording_python_reads_fails_the_check(tmp_path, section, old, new):
    root = tmp_path / "regles"
    shutil.copytree(rulesets_dir(), root)
    path = root / section
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--rulesets", str(root), "rules", "check"])
    assert result.exit_code != 0 and "index.yaml" in result.output, result.output


def test_a_wording_must_declare_the_variables_its_text_uses(tmp_path):
    root = tmp_path / "regles"
    shutil.copytree(rulesets_dir(), root)
    path = root / "formulations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pour ce marché.\"", "pour ce marché ({montant}).\"", 1),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["--rulesets", str(root), "rules", "check"])
    assert result.exit_code != 0 and "formulations.yaml" in result.output and "montant" in result.output


@pytest.mark.parametrize("label, value", [
    ("Services sociaux et spécifiques au-delà du seuil européen de 750 000 € HT", "750 000 €"),
    ("Avant le 21 août 2026, la condition sociale reste facultative", "21 août"),
    ("Part PME d'au moins 20 % dans le marché de partenariat", "20 %"),
    ("Taux en vigueur depuis le 2025-01-01", "2025-01-01"),
])
def test_a_label_spelling_out_a_value_fails_the_check(tmp_path, label, value):
    """A value written into a label goes stale when the parameter or the date changes: refused, with the value."""
    root = tmp_path / "regles"
    shutil.copytree(rulesets_dir(), root)
    path = root / "rules" / "ccp_reserves.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(ANCHOR, ANCHOR.replace(
        "label: Marché réservé aux structures d'insertion par l'activité économique", f"label: {label}")),
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["--rulesets", str(root), "rules", "check"])
    assert result.exit_code != 0 and f"« {value} »" in result.output and RULE in result.output, result.output


def test_names_and_numbers_of_texts_are_not_values_in_a_label():
    from engine.law.rules import value_in_label

    assert value_in_label("Activation de la clause d'insertion du CCAG 2021") is None
    assert value_in_label("Depuis l'entrée en vigueur du décret n° 2022-767") is None
