"""Every user-facing string is written in English in the code and shown in Chinese: each
gettext call's literal must have a Chinese translation in its app's catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
# gettext_noop marks the message keys that are stored and rendered when read.
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
TEMPLATE_TAG = re.compile(r"""{%\s*translate\s+"([^"]+)"|{%\s*trans\s+"([^"]+)\"""")
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def literals_in(app: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / app).rglob("*"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        if path.suffix == ".py":
            found |= python_literals(path)
        elif path.suffix == ".html":
            for match in TEMPLATE_TAG.finditer(path.read_text(encoding="utf-8")):
                found.add(next(g for g in match.groups() if g is not None))
    return found


def python_literals(path: Path) -> set[str]:
    """First-argument string literals of gettext calls (adjacent literals joined, as
    xgettext does)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str) and node.args[0].value):
            found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("app", APPS)
def test_every_ui_string_of_the_app_has_a_chinese_translation(app):
    literals = literals_in(app)
    if not literals:
        return
    po_path = ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert po_path.exists(), f"{app}: no translation catalogue at {po_path}"
    catalogue = {e.msgid: e for e in polib.pofile(str(po_path)) if not e.obsolete}
    missing = sorted(t for t in literals if t not in catalogue)
    untranslated = sorted(t for t in literals if t in catalogue and (
        not catalogue[t].translated() or "fuzzy" in catalogue[t].flags))
    assert not missing, f"{app}: strings missing from django.po (run make messages): {missing}"
    assert not untranslated, f"{app}: strings without a Chinese translation: {untranslated}"


CATALOGUES = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))


def compiled_messages(entries) -> dict[tuple[str | None, str], object]:
    """(context, msgid) → translation, as msgfmt keeps them: translated, not fuzzy, not
    obsolete, without the header."""
    found: dict[tuple[str | None, str], object] = {}
    for entry in entries:
        if not entry.msgid or getattr(entry, "obsolete", False) or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = {int(k): v for k, v in entry.msgstr_plural.items()}
            if all(forms.values()):
                found[(entry.msgctxt, entry.msgid)] = (entry.msgid_plural, forms)
        elif entry.msgstr:
            found[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return found


def test_catalogues_are_found():
    assert len(CATALOGUES) == len([a for a in APPS if (ROOT / a / "locale").exists()]) > 5


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_committed_mo_matches_its_po(po_path):
    """The .mo files ship in the package (a plain `pip install` is Chinese), so each must
    hold exactly what its .po says: compile the .po in memory and compare the messages."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run make messages and commit it"
    expected = compiled_messages(polib.pofile(str(po_path)))
    in_memory = compiled_messages(polib.mofile(polib.pofile(str(po_path)).to_binary()))
    assert in_memory == expected  # the comparison itself reads .mo files faithfully
    committed = compiled_messages(polib.mofile(str(mo_path)))
    stale = sorted(k[1] for k in expected.keys() ^ committed.keys()) + sorted(
        k[1] for k in expected.keys() & committed.keys() if expected[k] != committed[k])
    assert not stale, (f"{mo_path} is stale against its .po (run make messages and commit "
                       f"the .mo): {stale[:10]}")
