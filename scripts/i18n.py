"""Message catalogues: compile them, and check that zh_Hans is complete.

    python scripts/i18n.py update    # makemessages for zh_Hans and en, then compile
    python scripts/i18n.py compile   # .po -> .mo (pure Python: no gettext needed)
    python scripts/i18n.py check     # fails on a msgid missing from the catalogue,
                                     # an untranslated or fuzzy entry, or a stale .mo

The compiled .mo files are committed so that `make run` needs no gettext; the
check (part of `make test`) proves they match their .po files.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ["zh_Hans", "en"]
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "--no-location",
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=tests",
    "--ignore=bench",
]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def run_makemessages(languages: list[str]) -> None:
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    args = MAKEMESSAGES + [f"--locale={language}" for language in languages]
    subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True)


def compile_all() -> None:
    for language in LANGUAGES:
        po = polib.pofile(str(po_path(language)))
        po.save_as_mofile(str(po_path(language).with_suffix(".mo")))


def live_msgids(po: polib.POFile) -> set[tuple[str, str]]:
    return {(entry.msgctxt or "", entry.msgid) for entry in po if not entry.obsolete}


def check() -> list[str]:
    problems = []
    catalogue = polib.pofile(str(po_path("zh_Hans")))

    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")

    # Which msgids does the code use now? makemessages rewrites the .po file,
    # so keep the committed text and put it back afterwards.
    original = po_path("zh_Hans").read_bytes()
    try:
        run_makemessages(["zh_Hans"])
        fresh = polib.pofile(str(po_path("zh_Hans")))
    except FileNotFoundError:
        problems.append("makemessages needs GNU gettext: apt-get install gettext")
        fresh = catalogue
    except subprocess.CalledProcessError as error:
        problems.append(f"makemessages failed: {error.stderr.decode(errors='replace')}")
        fresh = catalogue
    finally:
        po_path("zh_Hans").write_bytes(original)
    for _context, msgid in sorted(live_msgids(fresh) - live_msgids(catalogue)):
        problems.append(f"not in the catalogue (run `make messages`): {msgid!r}")

    for language in LANGUAGES:
        po = polib.pofile(str(po_path(language)))
        mo_file = po_path(language).with_suffix(".mo")
        if not mo_file.exists():
            problems.append(f"{mo_file.relative_to(ROOT)} missing (run `make messages`)")
            continue
        mo = polib.mofile(str(mo_file))
        compiled = {(e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural for e in mo}
        expected = {
            (e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural
            for e in po
            if e.translated() and not e.obsolete and "fuzzy" not in e.flags
        }
        if {k: v for k, v in compiled.items() if k[1]} != expected:
            problems.append(f"{mo_file.relative_to(ROOT)} is stale (run `make messages`)")
    return problems


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        run_makemessages(LANGUAGES)
        compile_all()
        return 0
    if command == "compile":
        compile_all()
        return 0
    if command == "check":
        problems = check()
        for problem in problems:
            print(f"zh_Hans catalogue: {problem}")
        if not problems:
            print("zh_Hans catalogue complete; compiled catalogues up to date.")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
