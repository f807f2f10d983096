"""Bad input through every command: exit 2, a French message naming the field, no output, no traceback.

Each kind of bad input (malformed JSON, wrong types, unknown values, absurd amounts, dates, encodings,
oversized or deeply nested data…) goes through `evaluate`, `generate`, `validate` and `explain`, from a
file and from standard input, in text and JSON formats.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from cli import cli

ROOT = Path(__file__).resolve().parent.parent
BASE = {"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres", "buyer_type": "collectivite",
        "mode": "condition_execution", "launch_date": "2026-11-24"}
BASE_TEXT = json.dumps(BASE)[:-1]  # without the closing brace, to append raw JSON members


def _raw(members: str) -> bytes:
    """BASE plus raw JSON members (for what json.dumps cannot write: NaN, duplicates, huge numbers…)."""
    return (BASE_TEXT + ", " + members + "}").encode("utf-8")


def _with(**changes) -> bytes:
    data = dict(BASE)
    for key, value in changes.items():
        if value is _DROP:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


_DROP = object()


def _nested(depth: int) -> bytes:
    return _raw('"insertion": ' + "[" * depth + "]" * depth)


# (id, bytes, field path expected in the message, French words expected in the message)
BAD_INPUTS = [
    ("vide", b"", "$", "vide"),
    ("blancs", b"  \n\t ", "$", "vide"),
    ("json_tronque", b'{"segment": "travaux", "amount": ', "$", "JSON mal formé"),
    ("virgule_finale", _raw('"title": "x",').replace(b",}", b",\n}"), "$", "JSON mal formé"),
    ("guillemets_simples", b"{'segment': 'travaux'}", "$", "JSON mal formé"),
    ("donnees_en_trop", _with() + b" {}", "$", "données en trop"),
    ("liste", b"[1, 2]", "$", "objet JSON"),
    ("chaine", b'"travaux"', "$", "objet JSON"),
    ("null", b"null", "$", "objet JSON"),
    ("montant_texte", _with(amount="6200000"), "amount", "doit être un nombre"),
    ("montant_booleen", _with(amount=True), "amount", "doit être un nombre"),
    ("montant_negatif", _with(amount=-1), "amount", "strictement supérieur à 0"),
    ("montant_zero", _with(amount=0), "amount", "strictement supérieur à 0"),
    ("montant_moins_zero", _raw('"amount": -0.0').replace(b'"amount": 6200000, ', b""), "amount", "strictement supérieur"),
    ("montant_enorme", _with(amount=1e13), "amount", "inférieur ou égal"),
    ("montant_nan", _raw('"amount": NaN').replace(b'"amount": 6200000, ', b""), "amount", "nombre fini"),
    ("montant_infini", _raw('"amount": Infinity').replace(b'"amount": 6200000, ', b""), "amount", "nombre fini"),
    ("montant_moins_infini", _raw('"amount": -Infinity').replace(b'"amount": 6200000, ', b""), "amount", "nombre fini"),
    ("montant_1e400", _raw('"amount": 1e400').replace(b'"amount": 6200000, ', b""), "amount", "nombre fini"),
    ("entier_5000_chiffres", _raw('"duration_months": ' + "9" * 5000), "duration_months", "trop grand"),
    ("lot_nan", _raw('"lots": [{"number": "1", "amount": NaN}]'), "lots[0].amount", "nombre fini"),
    ("duree_decimale", _with(duration_months=1.5), "duration_months", "nombre entier"),
    ("heures_1e30", _with(insertion={"hours": 1e30}), "insertion.hours", "nombre entier"),
    ("taux_sup_1", _with(insertion={"rate": 1.5}), "insertion.rate", "inférieur ou égal à 1"),
    ("segment_inconnu", _with(segment="mairie"), "segment", "valeurs possibles"),
    ("acheteur_inconnu", _with(buyer_type="mairie"), "buyer_type", "valeurs possibles"),
    ("mode_inconnu", _with(mode="clause_verte"), "mode", "valeurs possibles"),
    ("segment_entier", _with(segment=3), "segment", "valeurs possibles"),
    ("champ_obligatoire", _with(procedure=_DROP), "procedure", "obligatoire"),
    ("champ_inconnu", _with(montant=12), "montant", "champ inconnu"),
    ("champ_inconnu_imbrique", _with(insertion={"taux": 0.1}), "insertion.taux", "champ inconnu"),
    ("cle_en_double", _raw('"amount": 12'), "amount", "en double"),
    ("cle_en_double_imbriquee", _raw('"weights": {"price": 10, "price": 20}'), "weights.price", "en double"),
    ("objet_attendu", _with(insertion=5), "insertion", "objet JSON"),
    ("liste_attendue", _with(lots={"number": "1"}), "lots", "liste"),
    ("date_impossible", _with(launch_date="2026-02-30"), "launch_date", "date ISO"),
    ("date_francaise", _with(launch_date="24/11/2026"), "launch_date", "date ISO"),
    ("date_nombre", _with(launch_date=20261124), "launch_date", "date ISO"),
    ("date_heure", _with(launch_date="2026-11-24T10:00:00"), "launch_date", "date ISO"),
    ("date_trop_ancienne", _with(launch_date="1999-12-31"), "launch_date", "2000-01-01"),
    ("date_trop_lointaine", _with(launch_date="2150-01-01"), "launch_date", "2100-12-31"),
    ("date_non_couverte", _with(launch_date="2035-01-01"), "launch_date", "hors de la période"),
    ("cpv_chiffres_arabes", _with(cpv="\u0664\u0665\u0662\u0661\u0664\u0662\u0660\u0660"), "cpv", "code CPV"),
    ("cpv_mal_forme", _with(cpv="4521420-22"), "cpv", "code CPV"),
    ("titre_controle", _with(title="Marché\x07 bip"), "title", "contrôle"),
    ("titre_escape_ansi", _with(title="\x1b[2J\x1b[31mrouge"), "title", "contrôle"),
    ("titre_c1", _with(title="a\x85b"), "title", "contrôle"),
    ("titre_demi_paire", _raw('"title": "a\\ud800b"'), "title", "Unicode"),
    ("titre_non_caractere", _with(title="a\uffffb"), "title", "Unicode"),
    ("titre_trop_long", _with(title="x" * 5000), "title", "au plus 2000"),
    ("titre_vide", _with(title="   "), "title", "vide"),
    ("titre_nombre", _with(title=12), "title", "chaîne de caractères"),
    ("justification_courte", _with(derogation={"reason": "lien_insuffisant", "justification": "trop court"}),
     "derogation.justification", "au moins 20"),
    ("justification_blancs", _with(derogation={"reason": "lien_insuffisant", "justification": " " * 30 + "court"}),
     "derogation.justification", "au moins 20"),
    ("ponderations", _with(weights={"price": 60, "insertion": 50}), "weights", "dépasse 100"),
    ("lots_somme", _with(lots=[{"number": "1", "amount": 7_000_000}]), "lots", "dépasse le montant"),
    ("lots_doublons", _with(lots=[{"number": "1", "amount": 1}, {"number": "1", "amount": 2}]), "lots", "même numéro"),
    ("lots_trop_nombreux", _with(lots=[{"number": str(i), "amount": 1} for i in range(300)]), "lots", "au plus 200"),
    ("numero_lot_chemin", _with(lots=[{"number": "../../etc", "amount": 1}]), "lots[0].number", "format invalide"),
    ("imbrication_25", _raw('"insertion": ' + '{"a": ' * 25 + "1" + "}" * 25), "$", "imbriqué"),
    ("imbrication_100000", _nested(100_000), "$", "imbriqué"),
    ("binaire_png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "$", "UTF-8"),
    ("latin1", _with(title="Réhabilitation").decode("utf-8").encode("latin-1"), "$", "UTF-8"),
    ("utf16", _with(title="Réhabilitation").decode("utf-8").encode("utf-16"), "$", "UTF-16"),
    ("octet_nul", _with()[:-1] + b', "title": "a\x00b"}', "$", "JSON"),
    ("trop_volumineux", _raw('"title": "' + "x" * (6 * 1024 * 1024) + '"'), "$", "volumineux"),
]

# (command, source, format): every command, from a file and from stdin, in each output format it offers
COMMANDS = [
    ("evaluate", "file", "json"),
    ("evaluate", "stdin", "text"),
    ("generate", "file", None),
    ("generate", "stdin", None),
    ("validate", "stdin", "json"),
    ("validate", "file", "text"),
    ("explain", "file", None),
    ("explain", "stdin", None),
]


def _invoke(runner, tmp_path, monkeypatch, command, source, fmt, data: bytes):
    monkeypatch.chdir(tmp_path)
    args = [command]
    stdin = None
    if source == "file":
        path = tmp_path / "marche.json"
        path.write_bytes(data)
        args.append(str(path))
    else:
        args.append("-")
        stdin = data
    if fmt:
        args += ["--format", fmt]
    if command == "generate":
        args += ["-o", str(tmp_path / "sortie.docx")]
    return runner.invoke(cli, args, input=stdin)


@pytest.mark.parametrize("command,source,fmt", COMMANDS, ids=["-".join(filter(None, c)) for c in COMMANDS])
@pytest.mark.parametrize("data,field,words", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_exits_2_naming_the_field(runner, tmp_path, monkeypatch, command, source, fmt, data, field, words):
    """Every bad input: exit 2, French message naming the field, nothing on stdout, no file written."""
    if command == "validate" and words == "hors de la période":
        return  # validate checks the description only: an uncovered date is found when the rules apply
    result = _invoke(runner, tmp_path, monkeypatch, command, source, fmt, data)
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 20_000, "the message must not echo huge input"
    if fmt == "json":
        payload = json.loads(result.stderr)
        assert payload["erreur"] in ("entree_invalide", "date_non_couverte")
        fields = {p["champ"] for p in payload["problemes"]}
        assert field in fields, fields
        assert any(words in p["message"] for p in payload["problemes"]), payload
    else:
        assert result.stderr.startswith("Erreur : ")
        if field == "$":  # the document as a whole: the message says so, the internal path « $ » is not shown
            assert "$" not in result.stderr, result.stderr
        else:
            assert f"{field} : " in result.stderr, result.stderr
        assert words in result.stderr, result.stderr
    assert "\x1b" not in result.stderr, "terminal escape sequences from the input must not be echoed"
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["marche.json"])


class TestAccepted:
    def test_utf8_with_bom_is_accepted(self, runner, tmp_path, monkeypatch):
        """A UTF-8 file with a byte-order mark (Windows Notepad) is read normally."""
        result = _invoke(runner, tmp_path, monkeypatch, "validate", "file", "text", b"\xef\xbb\xbf" + _with(title="Été"))
        assert result.exit_code == 0, result.stderr

    def test_utf8_with_bom_on_stdin(self, runner, tmp_path, monkeypatch):
        """The BOM is accepted on standard input too."""
        result = _invoke(runner, tmp_path, monkeypatch, "evaluate", "stdin", "json", b"\xef\xbb\xbf" + _with())
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["allowed"] is True

    def test_a_french_decimal_amount_and_int_amount_are_accepted(self):
        """Integers and decimals are both amounts; 1e12 is the upper bound, included."""
        assert engine.evaluate(dict(BASE, amount=1e12)).allowed is not None
        assert engine.evaluate(dict(BASE, amount=0.01)).launch_date.isoformat() == "2026-11-24"


    @pytest.mark.parametrize("changes", [{"amount": 1e-05}, {"amount": 5e-324}, {"weights": {"insertion": 1e-06}},
                                         {"insertion": {"rate": 1e-07, "hourly_cost": 1e-05}}],
                             ids=["amount-1e-05", "amount-denormal", "weight-1e-06", "insertion-tiny"])
    def test_tiny_numbers_reach_the_rules(self, changes):
        """Found by hypothesis: floats Python writes with an exponent (1e-05) made durable's parser fail (204)."""
        assert isinstance(engine.evaluate(dict(BASE, **changes)), engine.Decision)


class TestMessages:
    def test_many_problems_are_all_named_but_capped(self, runner, tmp_path, monkeypatch):
        """200 bad lots are all refused; the message stays readable (capped, with a count of the rest)."""
        lots = [{"number": str(i), "amount": -1, "segment": "x"} for i in range(200)]
        result = _invoke(runner, tmp_path, monkeypatch, "validate", "file", "text", _with(lots=lots))
        assert result.exit_code == 2
        assert "lots[0].amount" in result.stderr
        assert result.stderr.count("\n") < 80
        assert "autre(s) problème(s)" in result.stderr

    def test_a_huge_unknown_key_is_shortened_in_the_message(self, runner, tmp_path, monkeypatch):
        """An unknown field named with 100 000 characters is named, shortened."""
        result = _invoke(runner, tmp_path, monkeypatch, "validate", "file", "json", _with(**{"k" * 100_000: 1}))
        assert result.exit_code == 2
        assert len(result.stderr) < 2_000
        assert "champ inconnu" in result.stderr

    def test_an_enum_value_with_escape_sequences_is_shown_harmlessly(self, runner, tmp_path, monkeypatch):
        """A bad enum value is quoted without its control characters (no terminal injection)."""
        result = _invoke(runner, tmp_path, monkeypatch, "evaluate", "file", "text",
                         _with(segment="\x1b]0;pwned\x07" + "y" * 10_000))
        assert result.exit_code == 2
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr
        assert "segment : " in result.stderr and len(result.stderr) < 2_000

    def test_input_error_exposes_problems_to_python_callers(self):
        """engine.evaluate raises InputError whose problems name each field, for dicts as for JSON."""
        with pytest.raises(engine.InputError) as err:
            engine.evaluate(dict(BASE, amount=float("nan")))
        assert [p.path for p in err.value.problems] == ["amount"]
        with pytest.raises(engine.InputError) as err:
            engine.evaluate(dict(BASE, amount=-1, segment="x"))
        assert {p.path for p in err.value.problems} == {"amount", "segment"}

    def test_directory_and_missing_file(self, runner, tmp_path):
        """A folder or a missing file as MARCHE: a file problem (exit 3), in French."""
        for target, words in ((tmp_path, "dossier"), (tmp_path / "absent.json", "introuvable")):
            result = runner.invoke(cli, ["evaluate", str(target), "--format", "text"])
            assert result.exit_code == 3 and words in result.stderr

    def test_file_errors_are_json_too(self, runner, tmp_path):
        """A missing file or a folder with --format json: a JSON error naming the source."""
        for target, code in ((tmp_path / "absent.json", "fichier_introuvable"), (tmp_path, "lecture_impossible")):
            result = runner.invoke(cli, ["validate", str(target), "--format", "json"])
            assert result.exit_code == 3
            payload = json.loads(result.stderr)
            assert payload["code"] == code and payload["source"] == str(target)
            assert payload["problemes"][0]["champ"] == "MARCHE" and payload["problemes"][0]["code"] == code

    def test_bad_date_option_is_reported_in_french(self, runner):
        """--date with a wrong value: exit 2, message in French naming the option."""
        result = runner.invoke(cli, ["evaluate", str(ROOT / "examples" / "travaux_condition_execution.json"),
                                     "--date", "24/11/2026"])
        assert result.exit_code == 2
        assert "--date" in result.stderr and "date ISO attendue" in result.stderr

    @pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
    def test_extreme_date_option(self, runner, tmp_path, day):
        """--date at the ends of the calendar is refused as uncovered, not a crash."""
        market = tmp_path / "m.json"
        market.write_bytes(_with(launch_date=_DROP))
        result = runner.invoke(cli, ["evaluate", str(market), "--date", day])
        assert result.exit_code == 2, (result.stderr, result.exception)
        assert "launch_date" in result.stderr or "--date" in result.stderr


def _clausier(*args, stdin: bytes | None = None, cwd: Path | None = None, env=None):
    """Run the real entry point (`cli.main`) in a subprocess."""
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.mark.slow
class TestEntryPoint:
    def test_no_traceback_without_debug_and_one_with_it(self):
        """The real entry point prints a French message, and a traceback only with --debug."""
        plain = _clausier("evaluate", "-", "--format", "text", stdin=b"{")
        assert plain.returncode == 2
        assert b"Traceback" not in plain.stderr and plain.stderr.startswith("Erreur : ".encode())
        debug = _clausier("--debug", "evaluate", "-", "--format", "text", stdin=b"{")
        assert debug.returncode == 2 and b"Traceback" in debug.stderr and b"InputError" in debug.stderr

    def test_usage_errors_are_french_and_exit_2(self):
        """A wrong option or a missing argument: exit 2, no traceback."""
        cases = {("explain",): "l'argument MARCHE est manquant",
                 ("validate", "-", "--format", "xml"):
                     "--format : « xml » n'est pas une valeur possible ; valeurs possibles : json, text",
                 ("generate", "-", "--nope"): "option inconnue « --nope »",
                 ("evaluate", "-", "--format", "text", "--date", "24/11/2026"): "--date : date ISO attendue"}
        for args, words in cases.items():
            result = _clausier(*args, stdin=b"")
            assert result.returncode == 2, (args, result.stderr)
            assert result.stderr.decode().startswith(f"Erreur : {words}"), result.stderr
            assert b"Traceback" not in result.stderr
            assert result.stdout == b""

    def test_usage_errors_are_json_when_json_is_asked(self):
        """evaluate (JSON by default) and --format json report usage errors as JSON too."""
        for args in (("evaluate", "-", "--date", "24/11/2026"), ("validate", "-", "--format", "json", "--nope")):
            result = _clausier(*args, stdin=b"")
            assert result.returncode == 2
            payload = json.loads(result.stderr)
            assert payload["erreur"] == "usage" and payload["problemes"][0]["champ"] in ("--date", "--nope")

    def test_a_huge_stdin_is_refused_without_reading_it_all(self):
        """Standard input larger than the limit is refused (exit 2) without being loaded whole."""
        script = ("import sys, cli; sys.stdin = open('/dev/zero', 'rb'); "
                  "import io; sys.stdin = io.TextIOWrapper(open('/dev/zero', 'rb')); cli.main()")
        result = subprocess.run([sys.executable, "-c", script, "evaluate", "-"], capture_output=True,
                                cwd=ROOT, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert result.returncode == 2, result.stderr
        assert "volumineux".encode() in result.stderr

    def test_an_endless_input_file_is_refused(self):
        """A character device that never ends (/dev/zero) as MARCHE: exit 2, quickly."""
        result = _clausier("validate", "/dev/zero")
        assert result.returncode == 2, result.stderr
        assert b"Traceback" not in result.stderr
