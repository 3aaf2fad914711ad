"""Derives the image's run-time lock from the project's one lock file.

requirements.txt is one pip resolve of requirements-dev.in, which includes
requirements.in. The image needs only what requirements.in asks for and what
that pulls in, at exactly the same versions and hashes: this keeps the blocks
of requirements.txt whose "# via" chain leads back to requirements.in, so the
pins stay one set and the image holds no test or lint tool.
"""

import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
RUNTIME_LOCK = ROOT / "requirements-runtime.txt"
RUNTIME_ROOTS = "-r requirements.in"
HEADER = """\
# The image's run-time dependencies: the part of requirements.txt that
# requirements.in needs, same versions and hashes (one resolve). Derived by
# scripts/runtime_lock.py (`make lock`); do not edit by hand.
"""

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")
_VIA_ONE_LINE = re.compile(r"^\s+# via (.+)$")
_VIA_ITEM = re.compile(r"^\s+#\s{3}(.+)$")


def normalise(name: str) -> str:
    """PEP 503 name, the form pip-compile's "via" lines may not use."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_blocks(lock_text: str) -> Dict[str, List[str]]:
    """Each pinned package's lines (pin, hashes, "via" comments), by name."""
    blocks: Dict[str, List[str]] = {}
    current: List[str] = []
    for line in lock_text.splitlines():
        pin = _PIN.match(line)
        if pin:
            current = [line]
            blocks[normalise(pin.group(1))] = current
        elif line.startswith(" ") and current:
            current.append(line)
        else:
            current = []
    return blocks


def required_by(block: List[str]) -> Set[str]:
    """What a block's "# via" comments name: packages or `-r FILE`."""
    parents: Set[str] = set()
    for line in block[1:]:
        match = _VIA_ONE_LINE.match(line) or _VIA_ITEM.match(line)
        if match and match.group(1).strip() != "via":
            entry = match.group(1).strip()
            parents.add(entry if entry.startswith("-r ") else normalise(entry))
    return parents


def runtime_packages(blocks: Dict[str, List[str]]) -> Set[str]:
    """The packages requirements.in needs, directly or through each other."""
    parents = {name: required_by(block) for name, block in blocks.items()}
    needed = {name for name, via in parents.items() if RUNTIME_ROOTS in via}
    grew = True
    while grew:
        more = {name for name, via in parents.items() if via & needed} - needed
        needed |= more
        grew = bool(more)
    return needed


def runtime_lock(lock_text: str) -> str:
    """The text of requirements-runtime.txt for this requirements.txt."""
    blocks = parse_blocks(lock_text)
    needed = runtime_packages(blocks)
    kept = ["\n".join(block) for name, block in blocks.items() if name in needed]
    return HEADER + "\n".join(kept) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="fail if requirements-runtime.txt is not derived from requirements.txt",
    )
    args = parser.parse_args()
    expected = runtime_lock(LOCK.read_text(encoding="utf-8"))
    if args.check:
        if RUNTIME_LOCK.read_text(encoding="utf-8") != expected:
            print(
                "requirements-runtime.txt is stale: run `make lock`.", file=sys.stderr
            )
            return 1
        return 0
    RUNTIME_LOCK.write_text(expected, encoding="utf-8")
    count = expected.count("==")
    print(
        f"{RUNTIME_LOCK.name}: {count} of {len(parse_blocks(LOCK.read_text()))} pins."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
