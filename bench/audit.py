"""clausier audit on a DECP file of N records (200 000 by default) built by repeating the shared samples.

    python bench/audit.py [N] [--jobs J] [--format 2022|2019|csv] [--samples DIR] [--keep DIR]

Prints, from the same run:
- the in-process `evaluate()` rate on one core, on the very markets the audit builds from these records
  (the baseline), and the lean `assess()` rate on one core for reference;
- `clausier audit` (a separate process, J workers, default 2) on the whole file: contracts per second, and the
  ratio to the baseline (target ≥ 1.5);
- the peak memory of the audit's whole process tree (main + workers, sampled every 50 ms; target ≤ 1 GiB) at
  N/4 and N records: flat means the peak does not grow with the number of records.

Ids get a suffix per repetition so that every record is a distinct contract (none is dropped as a duplicate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.audit import mapping, readers, records  # noqa: E402
from engine.audit.buyers import infer  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "data" / "decp"
SOURCES = {"2022": "decp-2022-sample.json", "2019": "decp-2019-sample.json", "csv": "decp-tabular-sample.csv"}
GIB = 1024 ** 3


def build(fmt: str, n: int, samples: Path, path: Path) -> None:
    src = samples / SOURCES[fmt]
    if fmt == "csv":
        lines = src.read_text(encoding="utf-8").splitlines()
        header, body = lines[0], lines[1:]
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(header + "\n")
            for i in range(n):
                cells = body[i % len(body)].split(",", 2)
                f.write(f"{cells[0]}r{i},{cells[1]}r{i},{cells[2]}\n")
        return
    data = json.loads(src.read_text(encoding="utf-8"))
    items = data["marches"]["marche"] if fmt == "2022" else data["marches"]
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"marches": {"marche": [' if fmt == "2022" else '{"marches": [')
        for i in range(n):
            rec = dict(items[i % len(items)])
            rec["id"] = f"{rec.get('id', 'x')}-r{i}"
            f.write(("," if i else "") + json.dumps(rec, ensure_ascii=False))
        f.write("]}}" if fmt == "2022" else "]}")


def baseline(path: Path, count: int) -> tuple[float, float, int, float]:
    """evaluate() and assess() per second on one core, on the markets the audit builds from the first records."""
    markets = []
    for fmt, pos, raw in readers.read(path):
        if len(markets) >= count:
            break
        if isinstance(raw, readers.ReadProblem):
            continue
        r = records.normalise(fmt, raw, path.name, pos, dt.date.today())
        kind, _ = infer(r.buyer_id, r.buyer_name, {})
        m = mapping.to_market(r, kind, None)
        if m.market is not None:
            markets.append(engine.Market.model_validate(m.market))
    engine.prepare()
    rates = []
    cpu = 0.0
    for fn in (engine.evaluate, engine.assess):
        ok = 0
        t, c = time.perf_counter(), time.process_time()
        for market in markets:
            try:
                fn(market)
                ok += 1
            except engine.NoApplicableVersion:
                ok += 1  # refused for its date: the audit pays for it too
        rates.append(len(markets) / (time.perf_counter() - t))
        if fn is engine.evaluate:
            cpu = len(markets) / (time.process_time() - c)
    return rates[0], rates[1], len(markets), cpu


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process so far (Linux /proc/PID/stat), None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return None


def run_audit(path: Path, outdir: Path, jobs: int) -> tuple[float, int, dict, float, float]:
    cmd = [sys.executable, str(ROOT / "cli.py"), "audit", str(path), "-o", str(outdir), "-j", str(jobs), "-q",
           "--force"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, main_cpu = 0, 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        main_cpu = _cpu_seconds(proc.pid) or main_cpu  # the reading, dedup and writing process alone
        time.sleep(0.05)
    elapsed = time.perf_counter() - t
    out, err = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # main process and its joined workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"clausier audit a échoué ({proc.returncode}) : {err or out}")
    data = json.loads((outdir / "synthese.json").read_text(encoding="utf-8"))
    return elapsed, peak, data, cpu, main_cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=200_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--format", choices=sorted(SOURCES), default="2022")
    ap.add_argument("--samples", type=Path, default=SAMPLES)
    ap.add_argument("--keep", type=Path, default=None, help="garder le fichier construit et les résultats ici")
    ap.add_argument("--baseline", type=int, default=3000, help="marchés pour la référence evaluate()")
    args = ap.parse_args()
    if not (args.samples / SOURCES[args.format]).is_file():
        raise SystemExit(f"échantillons DECP introuvables dans {args.samples}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-audit-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"clausier audit — {args.n} enregistrements (format {args.format}), {args.jobs} processus, "
          f"{os.cpu_count()} cœurs")
    sizes = sorted({max(1, args.n // 4), args.n})
    results = {}
    for n in sizes:
        path = work / f"decp-{args.format}-{n}.{'csv' if args.format == 'csv' else 'json'}"
        build(args.format, n, args.samples, path)
    big = work / f"decp-{args.format}-{args.n}.{'csv' if args.format == 'csv' else 'json'}"
    before = baseline(big, args.baseline)  # the baseline just before and just after the audits:
    for n in sizes:  # the faster of the two is kept (the machine may be shared)
        path = work / f"decp-{args.format}-{n}.{'csv' if args.format == 'csv' else 'json'}"
        results[n] = (path, *run_audit(path, work / f"out-{n}", args.jobs))
    after = baseline(big, args.baseline)
    ev, asr, count, ev_cpu = max(before, after)
    path, elapsed, peak, data, cpu, main_cpu = results[args.n]
    contracts = data["enregistrements"]["contrats_distincts"]
    rate = contracts / elapsed
    print(f"  (référence avant les audits {before[0]:.0f}, après {after[0]:.0f} marchés/s : la plus rapide est retenue)")
    print(f"  référence, evaluate() dans le processus, 1 cœur ({count} marchés) : {ev:8.0f} marchés/s")
    print(f"  pour information, assess() dans le processus, 1 cœur           : {asr:8.0f} marchés/s")
    print(f"  clausier audit -j {args.jobs}, fichier de {path.stat().st_size / 1e6:.0f} Mo, {contracts} contrats : "
          f"{elapsed:6.1f} s, {rate:8.0f} contrats/s = {rate / ev:.2f} × la référence (cible ≥ 1,5) "
          f"{'OK' if rate >= 1.5 * ev else 'HORS CIBLE'}")
    print(f"  temps CPU : audit {cpu:.0f} s en tout dont {main_cpu:.0f} s pour le processus principal, soit "
          f"{contracts / cpu:.0f} contrats par seconde CPU ; evaluate() {ev_cpu:.0f} marchés par seconde CPU")
    free = contracts / max(main_cpu, cpu / args.jobs)  # the busier of: the main process, the cores shared out
    print(f"  sur {args.jobs} cœurs libres, l'audit ferait au plus {free:.0f} contrats/s = {free / ev_cpu:.2f} × "
          f"evaluate() sur un cœur libre (cible ≥ 1,5) {'OK' if free >= 1.5 * ev_cpu else 'HORS CIBLE'}")
    load = os.getloadavg()[0]
    print(f"  charge de la machine pendant la mesure (loadavg 1 min) : {load:.1f} pour {os.cpu_count()} cœurs"
          + (" — machine partagée : les débits ci-dessus en souffrent" if load > (os.cpu_count() or 1) + 0.5 else ""))
    for n in sizes:
        _, el, pk, _, _, _ = results[n]
        print(f"  mémoire de pointe (processus principal + workers), {n:>7} enregistrements : {pk / 2**20:7.0f} Mio "
              f"({n / el:.0f} contrats/s)")
    flat = results[sizes[-1]][2] <= 1.15 * results[sizes[0]][2] + 20 * 2**20
    print(f"  cible ≤ 1 Gio : {'OK' if peak <= GIB else 'HORS CIBLE'} ; "
          f"plate en nombre d'enregistrements : {'OK' if flat else 'HORS CIBLE'}")
    print("  verdicts : " + ", ".join(f"{k} {v['contrats']}" for k, v in data["par_verdict"].items()))


if __name__ == "__main__":
    main()
