"""Audits the locked requirements for known vulnerabilities with pip-audit.

Runs `pip-audit` (from its own venv, `.venv-audit`: it does not fit Rasa's
pins) over requirements.txt without installing anything, ignores the
findings SECURITY.md lists and explains (its "Known findings" table), and
fails on any other finding.

pip-audit needs a vulnerability database over the network (PyPI's JSON API
or OSV). Where neither answers, every package comes back "could not be
audited": that is reported loudly as NOT AUDITED, never as a pass, and fails
the run when AUDIT_STRICT=1 (set it wherever the database is reachable).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
# IDs in the first column of SECURITY.md's known-findings table.
KNOWN_ID = re.compile(r"^\|\s*((?:GHSA|PYSEC|CVE|OSV)-[\w-]+)\s*\|", re.MULTILINE)


def known_findings(security_md: Path) -> List[str]:
    """The vulnerability ids SECURITY.md lists as known and explained."""
    return KNOWN_ID.findall(security_md.read_text(encoding="utf-8"))


def run_pip_audit(pip_audit: Path, requirements: Path, ignored: List[str]) -> Any:
    """pip-audit's JSON report (it exits 1 on findings, which we judge ourselves)."""
    command = [
        str(pip_audit),
        "--requirement", str(requirements),
        "--disable-pip", "--no-deps",  # the lock pins every package by hash
        "--format", "json", "--progress-spinner", "off",
        *[argument for vuln in ignored for argument in ("--ignore-vuln", vuln)],
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if not result.stdout.strip():
        sys.exit(f"pip-audit failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def fixes(vuln: Dict[str, Any]) -> str:
    """The releases that fix a finding, or a note that none does yet."""
    return ", ".join(vuln.get("fix_versions") or []) or "no release yet"


def main() -> int:
    """Prints the verdict; non-zero on new findings (or, strictly, on no audit)."""
    pip_audit = ROOT / ".venv-audit" / "bin" / "pip-audit"
    ignored = known_findings(ROOT / "SECURITY.md")
    report = run_pip_audit(pip_audit, ROOT / "requirements.txt", ignored)
    dependencies: List[Dict[str, Any]] = report["dependencies"]
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    findings = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in: {fixes(v)})"
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    print(f"pip-audit: {len(dependencies)} pinned packages checked,", end=" ")
    print(f"{len(ignored)} known findings ignored (SECURITY.md)")
    for finding in findings:
        print(f"NEW FINDING {finding}")
    if skipped:
        print(
            f"NOT AUDITED: {len(skipped)} of {len(dependencies)} packages could not be "
            "checked (the vulnerability database is unreachable from here); "
            "see SECURITY.md"
        )
    if findings:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT") == "1":
        return 2
    if not skipped:
        print("No known vulnerabilities beyond those listed in SECURITY.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
