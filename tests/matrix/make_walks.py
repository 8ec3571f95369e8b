#!/usr/bin/env python3
"""Writes the layout-matrix walks (tests/matrix/walk_*.txt) from the steps
below: each `V name [png]` becomes a `variants` step (the screen in every UI
language x text size x contrast; with png, snapshots at 150 % normal contrast
for the contact sheets). Run it after changing the walks:
    python3 tests/matrix/make_walks.py"""
import os

import json

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGINS = os.path.join(HERE, "..", "..", "plugins")


def _content(code):
    with open(os.path.join(PLUGINS, code, "content", "en.json"), encoding="utf-8") as f:
        return json.load(f)


# The Norwegian walk reads the NATO baseline then Norway's rules; counts and
# right answers come from the shipped content (choice-<i> names the content's
# i-th choice, whatever order the quiz shows them in).
_NATO, _NOR = _content("nato"), _content("nor")
NOR_ANSWERS = [q["answer"] for c in (_NATO, _NOR) for q in c["quiz"]["questions"]]
CONDUCT_PAGES = sum(len(c["code_of_conduct"]["sections"]) for c in (_NATO, _NOR))
TRAINING_PAGES = sum(len(c["training"]["pages"]) for c in (_NATO, _NOR))


def wrong(a):
    return 1 if a == 0 else 0


def V(name, png=False):
    return f"variants {name}" + (" png 150 normal" if png else "")


def intake(out, name, number, shots=True):
    out += ["expect screen attract", V("attract", shots), "tap @btn-start",
            "expect screen privacy", V("privacy", shots), "scroll @privacy-text end", "tap @privacy-ack",
            "tap @btn-next", "expect screen nation", V("nation", shots)]
    if shots:
        # the nation chooser: a search that finds, one that finds nothing,
        # then the country picked, shown on the nation screen
        out += ["tap @nation-other", "expect-widget @field-nation-search checked",
                V("nation-search", True), "keys \"ukr\"", "expect-widget @country-UKR",
                V("nation-search-ukr", True), "keys \"x\"", "expect-widget @nation-no-match",
                V("nation-search-none", True), "key BackSpace", "tap @country-UKR",
                "expect-widget @nation-other checked", V("nation-other", True)]
    out += ["tap @nation-NOR", "tap @category-military", "tap @btn-next",
            "expect screen identity", "tap @field-name", f"type \"{name}\""]
    if shots:
        out += [V("identity-name", True)]
    out += ["tap @field-service-number", f"keys \"{number}\""]
    return out


def walk_certify():
    out = ["# The layout matrix, walk 1: a Norwegian soldier with a long name certifies",
           "# (every reading page, every question, one wrong answer: a pass that shows",
           "# which), with the cancel question, the idle warning, field errors, then",
           "# admin mode. Made by tests/matrix/make_walks.py; run by test_ui_matrix.sh."]
    out = intake(out, "Αικατερίνη Παπαδοπούλου-Χατζηγεωργίου", "15038510191")
    out += ["tap @btn-next", "expect screen identity", V("identity-error", True)]
    out += ["key BackSpace", "keys \"0\"", V("identity-number", True),
            "tap @btn-cancel", V("cancel", True), "tap @btn-cancel-keep",
            "wait 61000", "expect-widget @btn-more-time", V("idle", True),
            "tap @btn-more-time", "tap @btn-next"]
    for i in range(CONDUCT_PAGES):
        out += ["expect screen conduct", V(f"conduct-{i + 1}", i == 0), "scroll @reading end",
                "expect-widget @reading-status checked", "tap @btn-next"]
    for i in range(TRAINING_PAGES):
        out += ["expect screen training", V(f"training-{i + 1}", i == 0), "scroll @reading end",
                "expect-widget @reading-status checked", "tap @btn-next"]
    for i, a in enumerate(NOR_ANSWERS):
        pick = wrong(a) if i == 3 else a  # one wrong answer: still a pass
        out += ["expect screen quiz", f"reveal @choice-{pick}", f"tap @choice-{pick}",
                V(f"quiz-{i + 1}", i == 0),
                "tap @btn-next"]
    out += ["expect screen quiz_result", V("quiz-passed", True), "tap @btn-next",
            "expect screen training_confirm", V("training-confirm", True),
            "tap @field-training-date", "keys \"2026-13-45\"", "tap @btn-next",
            V("training-confirm-error", True),
            "tap @field-training-date"] + ["key BackSpace"] * 10 + [
            "keys \"2026-10-01\"", "tap @confirm-attended", "tap @btn-next",
            "expect screen acknowledge", V("acknowledge", True)]
    for i in range(10):
        out += [f"reveal @clause-{i}", f"tap @clause-{i}"]
    out += [V("acknowledge-ticked"), "tap @btn-next", "expect screen sign", V("sign", True),
            "sign", V("sign-signed", True), "tap @btn-next", "expect screen certificate",
            V("certificate", True), "tap @btn-done", "expect screen attract",
            "hold @admin-corner 3200", "expect screen admin_pin", V("admin-pin", True),
            "keys \"246810\"", "tap @btn-unlock", "expect screen admin", V("admin", True),
            "tap @btn-admin-exit", "expect screen attract"]
    return out


def walk_fail():
    out = ["# The layout matrix, walk 2: every quiz answer wrong (the failed result with",
           "# every section to read again), the review pages, then admin mode locked",
           "# after five wrong PINs. Made by tests/matrix/make_walks.py."]
    out = intake(out, "Ola Nordmann", "15038510190", shots=False)
    out += ["tap @btn-next"]
    for _ in range(CONDUCT_PAGES):
        out += ["expect screen conduct", "scroll @reading end", "tap @btn-next"]
    for _ in range(TRAINING_PAGES):
        out += ["expect screen training", "scroll @reading end", "tap @btn-next"]
    for a in NOR_ANSWERS:
        out += ["expect screen quiz", f"reveal @choice-{wrong(a)}", f"tap @choice-{wrong(a)}",
                "tap @btn-next"]
    out += ["expect screen quiz_result", V("quiz-failed", True), "tap @btn-next",
            "expect screen conduct", V("review-1", True), "tap @btn-cancel",
            "tap @btn-cancel-confirm", "expect screen attract"]
    for pin in ["0000", "1111", "2222", "3333", "4444"]:
        if pin == "0000":
            out += ["hold @admin-corner 3200", "expect screen admin_pin"]
        out += [f"keys \"{pin}\"", "tap @btn-unlock", "expect screen admin_pin"]
        if pin == "0000":
            out += [V("admin-pin-wrong", True)]
    out += [V("admin-locked", True), "tap @btn-cancel", "expect screen attract"]
    return out


NATO_ANSWERS = [q["answer"] for q in _NATO["quiz"]["questions"]]
NATO_CONDUCT = len(_NATO["code_of_conduct"]["sections"])
NATO_TRAINING = len(_NATO["training"]["pages"])
_USA = _content("usa")
USA_ANSWERS = [q["answer"] for q in _USA["quiz"]["questions"]]
USA_CONDUCT = len(_USA["code_of_conduct"]["sections"])
USA_TRAINING = len(_USA["training"]["pages"])
LONG_ARABIC = "عبد الرحمن بن عبد العزيز الحسيني-الهاشمي Layla"


def reading(out, conduct, training):
    for _ in range(conduct):
        out += ["expect screen conduct", "scroll @reading end", "tap @btn-next"]
    for _ in range(training):
        out += ["expect screen training", "scroll @reading end", "tap @btn-next"]
    return out


def walk_states():
    out = ["# The layout matrix, walk 3 (issue 14): the language chooser over a screen,",
           "# the screen for those who need not certify, a long Arabic name (right to",
           "# left, with a Latin word) on the identity screen and the certificate, and",
           "# admin mode's stop and restart questions, and a US soldier's quiz failed",
           "# with all 19 answers wrong. Made by tests/matrix/make_walks.py.",
           "# Every shipped bundle makes every category certify: the NATO baseline here",
           "# leaves contractors out, so a Norwegian contractor sees that screen.",
           "# rules nato {\"must_certify\": [\"military\", \"civilian\"]}"]
    out += ["expect screen attract", "tap @btn-start", "expect screen privacy",
            "tap @bar-language", "expect-widget @btn-lang-close", V("lang-menu", True),
            "tap @btn-lang-close", "expect-no-widget @btn-lang-close",
            "scroll @privacy-text end", "tap @privacy-ack", "tap @btn-next",
            "expect screen nation", "tap @nation-NOR", "tap @category-contractor",
            "tap @btn-next", "expect screen not_required", V("not-required", True),
            "tap @btn-done", "expect screen attract"]
    out += ["tap @btn-start", "scroll @privacy-text end", "tap @privacy-ack", "tap @btn-next",
            "expect screen nation", "tap @nation-NOR", "tap @category-military", "tap @btn-next",
            "expect screen identity", "tap @field-name", f"type \"{LONG_ARABIC}\"",
            "tap @field-service-number", "keys \"15038510190\"", V("identity-arabic", True),
            "tap @btn-next"]
    out = reading(out, CONDUCT_PAGES, TRAINING_PAGES)
    for a in NOR_ANSWERS:
        out += ["expect screen quiz", f"reveal @choice-{a}", f"tap @choice-{a}", "tap @btn-next"]
    out += ["expect screen quiz_result", "tap @btn-next", "expect screen training_confirm",
            "tap @field-training-date", "keys \"2026-10-01\"", "tap @confirm-attended",
            "tap @btn-next", "expect screen acknowledge"]
    for i in range(10):
        out += [f"reveal @clause-{i}", f"tap @clause-{i}"]
    out += ["tap @btn-next", "expect screen sign", "sign", "tap @btn-next",
            "expect screen certificate", V("certificate-arabic", True), "tap @btn-done",
            "expect screen attract", "hold @admin-corner 3200", "expect screen admin_pin",
            "keys \"246810\"", "tap @btn-unlock", "expect screen admin",
            "tap @btn-admin-maintenance", "expect-widget @btn-stop-keep", V("admin-stop", True),
            "tap @btn-stop-keep", "tap @btn-admin-restart", "expect-widget @btn-stop-keep",
            V("admin-restart", True), "tap @btn-stop-keep", "expect screen admin",
            "tap @btn-admin-exit", "expect screen attract"]
    # A US soldier gets all 19 questions wrong: the failed result lists every
    # section of NATO and the USA, "Zero tolerance" twice, each with whose it
    # is (issue 14: it once ran under "Cancel and erase" even at 100 %).
    out += ["tap @btn-start", "scroll @privacy-text end", "tap @privacy-ack", "tap @btn-next",
            "expect screen nation", "tap @nation-USA", "tap @category-military", "tap @btn-next",
            "expect screen identity", "tap @field-name", "keys \"John Smith\"",
            "tap @field-service-number", "keys \"1234567890\"", "tap @btn-next"]
    out = reading(out, NATO_CONDUCT + USA_CONDUCT, NATO_TRAINING + USA_TRAINING)
    for a in NATO_ANSWERS + USA_ANSWERS:
        out += ["expect screen quiz", f"reveal @choice-{wrong(a)}", f"tap @choice-{wrong(a)}",
                "tap @btn-next"]
    out += ["expect screen quiz_result", "expect-text \"0 / 19\"",
            "expect-text \"NATO · Zero tolerance\"",
            "expect-text \"United States · Zero tolerance\"", V("quiz-failed-usa", True),
            "tap @btn-cancel", "tap @btn-cancel-confirm", "expect screen attract"]
    return out


def walk_error():
    out = ["# The layout matrix, walk 4 (issue 14): the disk fills while a Swedish soldier",
           "# (NATO baseline alone) certifies: the error screen. test_ui_matrix.sh plays",
           "# it with every write failing after start-up (tests/fault_shim.c).",
           "# Made by tests/matrix/make_walks.py.",
           "# full-disk"]
    out += ["expect screen attract", "tap @btn-start", "scroll @privacy-text end",
            "tap @privacy-ack", "tap @btn-next", "expect screen nation", "tap @nation-other",
            "keys \"swe\"", "tap @country-SWE", "reveal @category-military",
            "tap @category-military", "tap @btn-next",
            "expect screen identity", "tap @field-name", "keys \"Erik Berg\"",
            "tap @field-service-number", "keys \"4471922\"", "tap @btn-next"]
    out = reading(out, NATO_CONDUCT, NATO_TRAINING)
    for a in NATO_ANSWERS:
        out += ["expect screen quiz", f"reveal @choice-{a}", f"tap @choice-{a}", "tap @btn-next"]
    out += ["expect screen quiz_result", "tap @btn-next", "expect screen acknowledge"]
    for i in range(5):
        out += [f"reveal @clause-{i}", f"tap @clause-{i}"]
    out += ["tap @btn-next", "expect screen sign", "sign", "tap @btn-next",
            "expect screen error", V("error", True), "tap @btn-done", "expect screen attract"]
    return out


for name, steps in [("walk_certify", walk_certify()), ("walk_fail", walk_fail()),
                    ("walk_states", walk_states()), ("walk_error", walk_error())]:
    with open(os.path.join(HERE, name + ".txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(steps) + "\n")
