#!/usr/bin/env python3
"""The signature matrix: mus and pyHanko side by side on hostile and service-style guides.

    python3 scripts/signature-matrix.py --mus target/release/mus [--committed] [--record]

Makes a fresh set of fixtures in a temp dir with scripts/make-attack-fixtures.py (new
keys, new signatures) and, when scripts/make-ltv-fixtures.py exists, the PAdES B-T/B-LT/
B-LTA set with it (certomancer serves its TSA, OCSP and CRLs on 127.0.0.1). `--committed`
uses the committed tests/fixtures/attacks and tests/fixtures/ltv instead.

For every case in each set's expected.json it runs

    mus archive add --archive <fresh dir> [--trust CA] [--allow-unsigned] FILE
    pyhanko sign validate --soft-revocation-check --trust-replace --trust CA FILE

(a case may name files to archive first, `archive_before`, and another case's file,
`file`), and prints one row: file | expected | mus verdict and its first reason |
pyHanko's verdict | agreement. It exits 1 when mus does not do what expected.json says
(verdict, and every `reason_contains` keyword, case-insensitively, in a refusal), or
when mus and pyHanko disagree on a case where pyHanko is trustworthy
(`pyhanko_trustworthy`). Where pyHanko is known to be fooled, or judges by another
policy, the row says so and only mus is held to the expectation.

pyHanko's verdict comes from its one-line-per-signature summary (the machine-readable
form of what --pretty-print says in prose; the pretty report is printed under every row
where the two disagree). It is `valid` when it reads the file and judges every signature INTACT,
TRUSTED, with no or only acceptable modifications; anything else (an error, INVALID,
UNTRUSTED, ILLEGAL_MODIFICATIONS, NONSTANDARD_COVERAGE) is `not valid`. mus `accepted`
agrees with `valid`; mus `refused` or `unsigned` with `not valid`.

`--record` writes the pyHanko verdicts seen into the committed expected.json files
(field `pyhanko`); use it with --committed.
"""

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTABLE = {"UNTOUCHED", "ACCEPTABLE_MODIFICATIONS", "EXTENDED_WITH_FORM_FILLING", "EXTENDED_WITH_LTA_UPDATES",
              "EXTENDED_WITH_NONE", "TRUSTED"}


def mus_verdict(mus, archive, case, folder, trust):
    """(verdict, first reason): verdict is accepted, unsigned, refused or error."""
    for before in case.get("archive_before", []):
        r = subprocess.run([mus, "archive", "add", "--archive", archive, *trust_args(case, trust),
                            str(folder / before)], capture_output=True, text=True)
        if r.returncode != 0:
            return "error", f"archiving {before} first failed: {first_line(r.stdout + r.stderr)}"
    args = [mus, "archive", "add", "--archive", archive, *trust_args(case, trust)]
    if case.get("allow_unsigned"):
        args.append("--allow-unsigned")
    r = subprocess.run(args + [str(folder / case["_file"])], capture_output=True, text=True)
    out = r.stdout + r.stderr
    for line in out.splitlines():
        if line.startswith("accepted:"):
            m = re.search(r", (signed|unsigned)\)\s*$", line)
            return ("unsigned" if m and m[1] == "unsigned" else "accepted"), ""
        if line.startswith("refused:"):
            reason = line.split(": ", 2)[2] if line.count(": ") >= 2 else line
            return "refused", reason
    return "error", first_line(out) or f"exit {r.returncode}"


def trust_args(case, trust):
    return ["--trust", str(trust)] if case.get("trust") else []


def first_line(text):
    return next((t for t in text.splitlines() if t.strip()), "")


def pyhanko_judge(case):
    """`validate` unless the case asks for `adesverify` (the only pyHanko command that reads
    revocation data from the DSS; the LTV set's revoked signer). A case without the key
    whose recorded pyHanko verdict is REVOKED is judged by adesverify as well."""
    return case.get("pyhanko_judge") or ("adesverify" if case.get("pyhanko") == "REVOKED" else "validate")


def pyhanko_verdict(path, trust, judge="validate"):
    """(valid?, compact verdict text) from pyHanko's one-line-per-signature summary."""
    extra = ["--soft-revocation-check"] if judge == "validate" else []
    try:
        r = subprocess.run(["pyhanko", "sign", judge, *extra, "--trust-replace", "--trust", str(trust), str(path)],
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    rows = []
    valid = True
    for line in r.stdout.splitlines():
        parts = line.split(":", 3)
        if len(parts) >= 3 and re.fullmatch(r"[0-9a-f]{64}", parts[1]):
            status = parts[2]
            flags = parts[3].split(",") if len(parts) > 3 else []
            shown = [f for f in flags if f != "TRUSTED"]
            rows.append(f"{parts[0]}={status}" + (f"({','.join(shown)})" if shown else ""))
            good = all(f in ACCEPTABLE or f.startswith("TIMESTAMP_TOKEN<INTACT:TRUSTED") for f in flags)
            if status != "INTACT" or "TRUSTED" not in flags or not good:
                valid = False
    if r.returncode != 0 or not rows:
        valid = False
        if not rows:
            err = next((ln.split("Error: ", 1)[1] for ln in (r.stdout + r.stderr).splitlines()
                        if ln.startswith("Error: ")), "")
            return False, f"ERROR: {err or first_line(r.stderr)}"[:120]
    return valid, (f"[{judge}] " if judge != "validate" else "") + " ".join(rows)


def short(verdict):
    """pyHanko's verdict shortened for the table (the full one goes to expected.json)."""
    for long, brief in (("underskrift.leders-leder.underskrift", "manager"),
                        ("underskrift.leder.underskrift", "leader"), ("EXTENDED_WITH_", ""),
                        ("_MODIFICATIONS", ""), ("TIMESTAMP_TOKEN<INTACT:TRUSTED>", "TST")):
        verdict = verdict.replace(long, brief)
    return verdict[:160]


def pretty(path, trust):
    """pyHanko's --pretty-print report, indented, for a case where it and mus disagree."""
    r = subprocess.run(["pyhanko", "sign", "validate", "--pretty-print", "--soft-revocation-check", "--trust-replace",
                        "--trust", str(trust), str(path)], capture_output=True, text=True, timeout=300)
    keep = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip() and not set(ln.strip()) <= set("=-")]
    return "\n".join("    " + ln for ln in keep)


def load_set(folder):
    cases = json.loads((folder / "expected.json").read_text())
    trust = folder / ("ca.pem" if (folder / "ca.pem").exists() else "root.pem")
    out = []
    for name, case in cases.items():
        case = dict(case)
        case["_file"] = case.get("file", name)
        out.append((name, case, Path(folder / case.get("trust_file", trust.name))))
    return out


def generate(mus, tmp, committed):
    sets = []
    attacks = ROOT / "tests/fixtures/attacks"
    ltv = ROOT / "tests/fixtures/ltv"
    if committed:
        sets.append(("attacks", attacks))
        if ltv.is_dir():
            sets.append(("ltv", ltv))
        return sets
    out = tmp / "attacks"
    subprocess.run([sys.executable, str(ROOT / "scripts/make-attack-fixtures.py"), "--mus", mus, str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    sets.append(("attacks", out))
    maker = ROOT / "scripts/make-ltv-fixtures.py"
    if maker.exists():
        out = tmp / "ltv"
        out.mkdir()
        # Its expected.json travels with the committed fixtures; the generator may write its own.
        subprocess.run([sys.executable, str(maker), str(out)], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, MUS=mus))
        if not (out / "expected.json").exists():
            (out / "expected.json").write_text((ltv / "expected.json").read_text())
        sets.append(("ltv", out))
    elif ltv.is_dir():
        sets.append(("ltv", ltv))
    return sets


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mus", default=str(ROOT / "target/release/mus"))
    ap.add_argument("--committed", action="store_true", help="use the committed fixtures instead of fresh ones")
    ap.add_argument("--record", action="store_true", help="write pyHanko's verdicts into the expected.json files")
    args = ap.parse_args()
    if args.record and not args.committed:
        ap.error("--record writes what pyHanko says about the committed fixtures: give --committed too")
    mus = str(Path(args.mus).resolve())
    failures = []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("case | expected (mus) | mus archive add | pyhanko sign validate | mus vs pyHanko", flush=True)
        for set_name, folder in generate(mus, tmp, args.committed):
            seen = {}
            for i, (name, case, trust) in enumerate(load_set(folder)):
                archive = tmp / f"archive-{set_name}-{i}"
                got, why = mus_verdict(mus, str(archive), case, folder, trust)
                valid, ph = pyhanko_verdict(folder / case["_file"], trust, pyhanko_judge(case))
                seen[name] = ph
                want = case["mus"]
                ok = got == want
                missing = [k for k in case.get("reason_contains", []) if k.lower() not in why.lower()]
                if got == "refused" and want == "refused" and missing:
                    ok = False
                    why += f"  [reason lacks: {', '.join(missing)}]"
                trustworthy = case.get("pyhanko_trustworthy", True)
                agree = (got == "accepted") == valid
                if case.get("pyhanko_fooled"):
                    mark = "pyHanko KNOWN FOOLED: " + ("agrees all the same" if agree else "differs, not compared")
                elif not trustworthy:
                    mark = "pyHanko judges by another policy: " + ("agrees" if agree else "differs, not compared")
                else:
                    mark = "agree" if agree else "DISAGREE"
                if not ok or (trustworthy and not agree):
                    failures.append(f"{set_name}/{name}")
                label = name + (" [--trust]" if case.get("trust") else "") + \
                    (" [--allow-unsigned]" if case.get("allow_unsigned") else "")
                mus_cell = f"{got}{'' if ok else ' (WRONG)'}" + (f": {why[:110]}" if why else "")
                ph_cell = ("valid" if valid else "not valid") + f" — {short(ph)}"
                rows.append((f"{set_name}/{label}", want, mus_cell, ph_cell, mark))
                print(" | ".join(rows[-1]), flush=True)
                if trustworthy and not agree:
                    print(pretty(folder / case["_file"], trust), flush=True)
            if args.record and set_name == "attacks":
                target = ROOT / "tests/fixtures" / set_name / "expected.json"
                data = json.loads(target.read_text())
                for k, v in seen.items():
                    if k in data:
                        data[k]["pyhanko"] = v
                target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
                spec = importlib.util.spec_from_file_location("attacks", ROOT / "scripts/make-attack-fixtures.py")
                maker = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(maker)
                maker.write_readme(target.parent, data)
    print(f"signature-matrix: {len(rows)} cases, {len(failures)} failing" + (f": {', '.join(failures)}" if failures
                                                                             else ""))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
