#!/usr/bin/env python3
"""Unit tests for rfc_checkers.py: the README list, the allowed deviations file and their matching.

Run with `python3 scripts/rfc_checkers_test.py`; it needs only the standard library.
"""

import json
import re
import tempfile
import unittest
from pathlib import Path

import rfc_checkers
from rfc_checkers import Allowance, Failure, ListError

README_WITH_TWO_ENTRIES = """# scimd

## Deviations from outside checkers

Some text that is no entry.

- scim-sanity `PATCH /Groups/{id}` (RFC 7644 §3.5.2): scimd answers 204. "The server MAY
  return HTTP status code 204 (No Content)."
- scim2-tester `Group/check_add_attribute/members` (RFC 7643 §2.4): the server fills `display`.
  "A human-readable name."

## Next section

- not an entry
"""


def allowance(checker: str, check: str, rfc: str, message: str = ".*") -> Allowance:
    return Allowance(checker, check, rfc, re.compile(message, re.DOTALL))


class ReadmeEntriesTests(unittest.TestCase):
    def read(self, text: str) -> list[tuple[str, str, str]]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "README.md"
            path.write_text(text, encoding="utf-8")
            return rfc_checkers.readme_entries(path)

    def test_entries_of_the_section_only(self):
        entries = self.read(README_WITH_TWO_ENTRIES)

        self.assertEqual(
            entries,
            [
                ("scim-sanity", "PATCH /Groups/{id}", "RFC 7644 §3.5.2"),
                ("scim2-tester", "Group/check_add_attribute/members", "RFC 7643 §2.4"),
            ],
        )

    def test_entry_without_quote_rejected(self):
        text = README_WITH_TWO_ENTRIES.replace('"A human-readable name."', "no quote")

        with self.assertRaisesRegex(ListError, "quotes no RFC sentence"):
            self.read(text)

    def test_entry_of_unknown_checker_rejected(self):
        text = README_WITH_TWO_ENTRIES.replace("- scim-sanity `", "- other-tool `")

        with self.assertRaisesRegex(ListError, "an entry must start with"):
            self.read(text)

    def test_missing_section_rejected(self):
        with self.assertRaisesRegex(ListError, "has no section"):
            self.read("# scimd\n")


class AllowedFileTests(unittest.TestCase):
    def load(self, entries: object) -> list[Allowance]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "allowed.json"
            path.write_text(json.dumps(entries), encoding="utf-8")
            return rfc_checkers.load_allowances(path)

    def test_complete_entry_loads(self):
        entry = {"checker": "scim-sanity", "check": "X", "rfc": "RFC 7644 §3.5.2", "message": "a+"}

        loaded = self.load([entry])

        self.assertEqual(len(loaded), 1)
        self.assertEqual(loaded[0].check, "X")
        self.assertEqual(loaded[0].message.pattern, "a+")

    def test_entry_without_message_rejected(self):
        entry = {"checker": "scim-sanity", "check": "X", "rfc": "RFC 7644 §3.5.2"}

        with self.assertRaisesRegex(ListError, "exactly the keys"):
            self.load([entry])

    def test_invalid_pattern_rejected(self):
        entry = {"checker": "scim-sanity", "check": "X", "rfc": "RFC 1 §1", "message": "("}

        with self.assertRaisesRegex(ListError, "invalid message pattern"):
            self.load([entry])

    def test_repository_lists_agree(self):
        allowances = rfc_checkers.checked_allowances()

        self.assertIsInstance(allowances, list)


class DisagreementTests(unittest.TestCase):
    def test_same_entries_agree(self):
        readme = [("scim-sanity", "A", "RFC 1 §1")]

        problems = rfc_checkers.list_disagreements([allowance(*readme[0])], readme)

        self.assertEqual(problems, [])

    def test_entry_only_in_file_reported(self):
        problems = rfc_checkers.list_disagreements([allowance("scim-sanity", "A", "RFC 1 §1")], [])

        self.assertEqual(len(problems), 1)
        self.assertIn("but not in README", problems[0])

    def test_entry_only_in_readme_reported(self):
        problems = rfc_checkers.list_disagreements([], [("scim-sanity", "A", "RFC 1 §1")])

        self.assertEqual(len(problems), 1)
        self.assertIn("in README but not in", problems[0])

    def test_other_section_reported(self):
        problems = rfc_checkers.list_disagreements(
            [allowance("scim-sanity", "A", "RFC 1 §1")], [("scim-sanity", "A", "RFC 1 §2")]
        )

        self.assertEqual(len(problems), 2)

    def test_duplicate_reported(self):
        entry = ("scim-sanity", "A", "RFC 1 §1")

        problems = rfc_checkers.list_disagreements([allowance(*entry)], [entry, entry])

        self.assertEqual(problems, [f"listed twice in README: {entry}"])


class MatchingTests(unittest.TestCase):
    def test_whole_message_must_match(self):
        rule = allowance("scim-sanity", "PATCH /Groups/{id}", "RFC 1 §1", "Expected 200, got 204")

        self.assertTrue(rule.covers(Failure("scim-sanity", "PATCH /Groups/{id}", "fail",
                                            "Expected 200, got 204")))
        self.assertFalse(rule.covers(Failure("scim-sanity", "PATCH /Groups/{id}", "fail",
                                             "Expected 200, got 204; Response body is empty")))
        self.assertFalse(rule.covers(Failure("scim-sanity", "PATCH /Groups/{id}", "fail",
                                             "Expected 200, got 500")))

    def test_other_check_not_covered(self):
        rule = allowance("scim-sanity", "PATCH /Groups/{id}", "RFC 1 §1")

        self.assertFalse(rule.covers(Failure("scim-sanity", "PATCH /Users/{id}", "fail", "")))
        self.assertFalse(rule.covers(Failure("scim2-tester", "PATCH /Groups/{id}", "ERROR", "")))

    def test_cleanup_id_becomes_placeholder(self):
        result = {"name": "DELETE /Users/0a1b2c", "phase": "Cleanup", "status": "fail"}

        self.assertEqual(rfc_checkers.scim_sanity_check_name(result), "DELETE /Users/{id}")

    def test_other_names_kept(self):
        result = {"name": "GET /Users/{id}", "phase": "Phase 2 — User CRUD Lifecycle"}

        self.assertEqual(rfc_checkers.scim_sanity_check_name(result), "GET /Users/{id}")


if __name__ == "__main__":
    unittest.main()
