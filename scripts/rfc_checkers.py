#!/usr/bin/env python3
"""Run the outside SCIM checkers against a running scimd and judge their failures.

Commands:
  check-list   Compare scripts/rfc-checkers-allowed.json with the README section "Deviations
               from outside checkers". Needs only the standard library.
  run          Run scim2-tester and scim-sanity against --url with the API key in the
               environment variable SCIM_CHECKERS_KEY, print every failed check, and compare
               the failures with the allowed deviations. Needs the venv that
               scripts/install-checkers makes.

Both exit 1 when the list and the README disagree. `run` also exits 1 on a failed check that no
allowed deviation covers, on an allowed deviation that no longer fails, and on a checker that
crashed or ran none of its User and Group checks. scripts/rfc-checkers starts the server and
calls `run`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED_FILE = ROOT / "scripts" / "rfc-checkers-allowed.json"
README_FILE = ROOT / "README.md"
README_HEADING = "## Deviations from outside checkers"
CHECKERS = ("scim2-tester", "scim-sanity")

# A README entry starts with: - CHECKER `CHECK` (RFC NNNN §N.N): text with the RFC sentence.
ENTRY_PATTERN = re.compile(r"^- (\S+) `([^`]+)` \((RFC \d+ §[\d.]+)\): ")

# Statuses that count as a failed check. scim2-tester's DEVIATION and scim-sanity's warn mark a
# departure from a SHOULD, so they fail the run too unless an allowed deviation covers them.
SCIM2_TESTER_FAILED = {"ERROR", "CRITICAL", "DEVIATION"}
SCIM_SANITY_FAILED = {"fail", "error", "warn"}

CHECKER_TIMEOUT_SECONDS = 600
REQUEST_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Failure:
    """A check that a checker reported as failed."""

    checker: str
    check: str
    status: str
    message: str


@dataclass(frozen=True)
class Allowance:
    """An allowed deviation: a check that may fail with a message matching `message`."""

    checker: str
    check: str
    rfc: str
    message: re.Pattern

    def covers(self, failure: Failure) -> bool:
        return (
            failure.checker == self.checker
            and failure.check == self.check
            and self.message.fullmatch(failure.message) is not None
        )


class ListError(Exception):
    """The allowed deviations file or the README section cannot be read."""


# The allowed deviations and the README


def load_allowances(path: Path = ALLOWED_FILE) -> list[Allowance]:
    """Read the allowed deviations, checking every field."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ListError(f"{path}: {error}") from error
    if not isinstance(entries, list):
        raise ListError(f"{path}: expected a JSON array of objects")
    return [parse_allowance(entry, path, index) for index, entry in enumerate(entries)]


def parse_allowance(entry: object, path: Path, index: int) -> Allowance:
    fields = ("checker", "check", "rfc", "message")
    if not isinstance(entry, dict) or sorted(entry) != sorted(fields):
        raise ListError(f"{path}: entry {index} must have exactly the keys {', '.join(fields)}")
    if not all(isinstance(entry[field], str) and entry[field] for field in fields):
        raise ListError(f"{path}: entry {index} has an empty or non-string value")
    if entry["checker"] not in CHECKERS:
        raise ListError(f"{path}: entry {index} names the unknown checker {entry['checker']!r}")
    try:
        message = re.compile(entry["message"], re.DOTALL)
    except re.error as error:
        raise ListError(f"{path}: entry {index} has an invalid message pattern: {error}") from error
    return Allowance(entry["checker"], entry["check"], entry["rfc"], message)


def readme_entries(path: Path = README_FILE) -> list[tuple[str, str, str]]:
    """Read (checker, check, RFC section) from each entry of the README section."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if README_HEADING not in lines:
        raise ListError(f"{path} has no section {README_HEADING!r}")
    start = lines.index(README_HEADING) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    entries = []
    for number, paragraph in bullet_paragraphs(lines[start:end], start + 1):
        match = ENTRY_PATTERN.match(paragraph)
        if match is None or match.group(1) not in CHECKERS:
            raise ListError(
                f"{path}:{number}: an entry must start with "
                "'- CHECKER `CHECK` (RFC NNNN §N.N): ', where CHECKER is "
                f"{' or '.join(CHECKERS)}"
            )
        if not re.search(r'"[^"]+"', paragraph):
            raise ListError(f"{path}:{number}: the entry quotes no RFC sentence in double quotes")
        entries.append((match.group(1), match.group(2), match.group(3)))
    return entries


def bullet_paragraphs(lines: list[str], first_number: int) -> list[tuple[int, str]]:
    """Join each top-level "- " bullet with its indented continuation lines."""
    paragraphs: list[tuple[int, str]] = []
    for offset, line in enumerate(lines):
        if line.startswith("- "):
            paragraphs.append((first_number + offset, line))
        elif paragraphs and line.startswith("  ") and line.strip():
            number, text = paragraphs[-1]
            paragraphs[-1] = (number, f"{text} {line.strip()}")
    return paragraphs


def list_disagreements(
    allowances: list[Allowance], readme: list[tuple[str, str, str]]
) -> list[str]:
    """Describe every entry that only one of the two lists has, or that either lists twice."""
    in_file = [(a.checker, a.check, a.rfc) for a in allowances]
    problems = [f"listed twice in {ALLOWED_FILE.name}: {e}" for e in duplicates(in_file)]
    problems += [f"listed twice in README: {e}" for e in duplicates(readme)]
    problems += [
        f"in {ALLOWED_FILE.name} but not in README: {checker} `{check}` ({rfc})"
        for checker, check, rfc in sorted(set(in_file) - set(readme))
    ]
    problems += [
        f"in README but not in {ALLOWED_FILE.name}: {checker} `{check}` ({rfc})"
        for checker, check, rfc in sorted(set(readme) - set(in_file))
    ]
    return problems


def duplicates(entries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return sorted({entry for entry in entries if entries.count(entry) > 1})


def checked_allowances() -> list[Allowance]:
    """Load the allowed deviations and fail unless the README lists the same ones."""
    allowances = load_allowances()
    problems = list_disagreements(allowances, readme_entries())
    if problems:
        raise ListError(
            "README and the allowed deviations file disagree:\n  " + "\n  ".join(problems)
        )
    return allowances


# Running the checkers


def run_scim2_tester(url: str, key: str) -> tuple[str, list[Failure], list[str]]:
    """Run scim2-tester's check_server; return a summary, its failures and missing coverage."""
    from importlib.metadata import version

    import httpx2
    import scim2_tester
    from scim2_client.engines.httpx2 import SyncSCIMClient

    http = httpx2.Client(
        base_url=url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=REQUEST_TIMEOUT_SECONDS,
    )
    client = SyncSCIMClient(http)
    client.discover()
    results = scim2_tester.check_server(client)

    failures = [
        Failure("scim2-tester", scim2_tester_check_name(result), result.status.name,
                result.reason or "")
        for result in results
        if result.status.name in SCIM2_TESTER_FAILED
    ]
    skipped = [result for result in results if result.status.name == "SKIPPED"]
    passed = [
        result for result in results
        if result.status.name not in SCIM2_TESTER_FAILED and result not in skipped
    ]
    tested = {result.resource_type for result in passed}
    missing = [f"no passed {name} check" for name in ("User", "Group") if name not in tested]
    summary = (
        f"scim2-tester {version('scim2-tester')}: {len(results)} checks, {len(passed)} passed, "
        f"{len(failures)} failed, {len(skipped)} skipped"
    )
    return summary, failures, missing


def scim2_tester_check_name(result) -> str:
    """Name a scim2-tester result as RESOURCE/CHECK/ATTRIBUTE, leaving out the parts it lacks."""
    attribute = result.data.get("urn") if isinstance(result.data, dict) else None
    parts = [result.resource_type, result.title, attribute]
    return "/".join(str(part) for part in parts if part)


def run_scim_sanity(url: str, key: str) -> tuple[str, list[Failure], list[str]]:
    """Run `scim-sanity probe` with JSON output; return a summary, failures and missing coverage."""
    executable = Path(sys.executable).parent / "scim-sanity"
    command = [
        str(executable), "probe", url, "--token", key, "--i-accept-side-effects",
        "--json-output", "--timeout", str(REQUEST_TIMEOUT_SECONDS),
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=CHECKER_TIMEOUT_SECONDS, check=False
    )
    if completed.returncode not in (0, 1):
        raise RuntimeError(
            f"scim-sanity exited with status {completed.returncode}:\n{completed.stderr}"
        )
    report = json.loads(completed.stdout)

    results = report["results"]
    failures = [
        Failure("scim-sanity", scim_sanity_check_name(result), result["status"],
                result.get("message", ""))
        for result in results
        if result["status"] in SCIM_SANITY_FAILED
    ]
    if completed.returncode == 1 and not failures:
        raise RuntimeError("scim-sanity exited with status 1 but reported no failed check")
    missing = [
        f"no passed check in {phase}"
        for phase in ("Phase 2", "Phase 3")
        if not any(r["status"] == "pass" and r.get("phase", "").startswith(phase) for r in results)
    ]
    counts = report["summary"]
    summary = (
        f"scim-sanity {report['scim_sanity_version']}: {counts['total']} checks, "
        f"{counts['passed']} passed, {len(failures)} failed, {counts['skipped']} skipped"
    )
    return summary, failures, missing


def scim_sanity_check_name(result: dict) -> str:
    """Name a scim-sanity result; cleanup results carry a resource id, which becomes {id}."""
    name = result["name"]
    if result.get("phase") == "Cleanup":
        name = re.sub(r"/[^/\s]+$", "/{id}", name)
    return name


# Judging the results


def judge(allowances: list[Allowance], url: str, key: str) -> bool:
    """Run both checkers and print what failed; return whether everything is allowed."""
    runners = {"scim2-tester": run_scim2_tester, "scim-sanity": run_scim_sanity}
    failures: list[Failure] = []
    ran: set[str] = set()
    passed = True
    for checker, runner in runners.items():
        try:
            summary, checker_failures, missing = runner(url, key)
        except Exception:
            print(f"{checker} could not run:\n{traceback.format_exc()}")
            passed = False
            continue
        ran.add(checker)
        print(summary)
        for gap in missing:
            print(f"  NOT RUN  {checker} ran its checks incompletely: {gap}")
            passed = False
        passed = print_failures(checker_failures, allowances) and passed
        failures += checker_failures

    for allowance in allowances:
        if allowance.checker in ran and not any(allowance.covers(f) for f in failures):
            print(
                f"  STALE    {allowance.checker} `{allowance.check}` is listed as an allowed "
                "deviation but did not fail: remove it from README and "
                f"{ALLOWED_FILE.name}"
            )
            passed = False
    return passed


def print_failures(failures: list[Failure], allowances: list[Allowance]) -> bool:
    """Print each failure as allowed or not; return whether all of them are allowed."""
    all_allowed = True
    for failure in failures:
        allowance = next((a for a in allowances if a.covers(failure)), None)
        if allowance:
            print(f"  allowed  {failure.check} ({allowance.rfc})")
        else:
            print(f"  FAILED   {failure.check} ({failure.status})")
        print("           " + failure.message.replace("\n", "\n           "))
        all_allowed = all_allowed and allowance is not None
    return all_allowed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-list", help="compare the allowed deviations with README")
    run = commands.add_parser("run", help="run both checkers against a running scimd")
    run.add_argument("--url", required=True, help="the base URL, ending in /scim/v2")
    arguments = parser.parse_args()

    try:
        allowances = checked_allowances()
    except ListError as error:
        print(error, file=sys.stderr)
        return 1
    if arguments.command == "check-list":
        print(f"README and {ALLOWED_FILE.name} list the same {len(allowances)} deviations.")
        return 0

    key = os.environ.get("SCIM_CHECKERS_KEY", "")
    if not key:
        print("SCIM_CHECKERS_KEY must hold the API key for the server.", file=sys.stderr)
        return 2
    if judge(allowances, arguments.url, key):
        print("Every failed check is an allowed deviation.")
        return 0
    print(
        "Some checks failed without an allowed deviation (or crashed, or are stale). Fix scimd, "
        "or, where an RFC sentence allows scimd's behaviour, list the check in README's "
        f'"Deviations from outside checkers" and in scripts/{ALLOWED_FILE.name}.'
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
