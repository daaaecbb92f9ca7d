"""Fill Chinese translations into an app's django.po.

    python scripts/po_fill.py huying/org < pairs.tsv

Each input line is `English msgid<TAB>中文译文`. Entries become non-fuzzy; unknown msgids are
reported (run `make messages` or `huying makemessages` in the app first).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib


def main() -> None:
    app = Path(sys.argv[1])
    po_path = app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    by_id = {e.msgid: e for e in po}
    unknown = []
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip() or "\t" not in line:
            continue
        msgid, msgstr = line.split("\t", 1)
        entry = by_id.get(msgid)
        if entry is None:
            unknown.append(msgid)
            continue
        entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    untranslated = [e.msgid for e in po.untranslated_entries()]
    print(f"{po_path}: {len(po.translated_entries())} translated, {len(untranslated)} left")
    for msgid in untranslated:
        print(f"  untranslated: {msgid}")
    for msgid in unknown:
        print(f"  not in catalogue: {msgid}")


if __name__ == "__main__":
    main()
