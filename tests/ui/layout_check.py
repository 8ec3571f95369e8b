#!/usr/bin/env python3
"""The layout check: judges layout dumps (certkiosk replays, `dump-layout` and
`variants`; format in kiosk/ui/REPLAY.md) against the rules every screen must
hold at every size, language, text size and contrast:

  overlap     no two interactive widgets overlap
  offscreen   no widget and no text outside the screen
  spill       a widget's label stays inside the widget
  clipped     no text cut at the edge of its box
  broken      no label with a word broken inside (free text may break a
              word only when it alone is wider than the line)
  covered     no free text, code or message under an interactive widget
              (the footer never lies over content: content scrolls instead)
  text-over   no free text over other free text
  heading     no heading with a word broken inside ("Διαχειριστή|ς"): a
              heading shrinks (text_heading, down to 5/8) or wraps between
              words; free text may break only a word wider than its line
  target      touch targets at least 15 mm (keyboard keys 11 mm) at the
              display's configured pixel pitch
  footer      the way on (Start, Next, Finish) is never inside a scroll
              view: a person must not have to scroll to find it
  reading     the reading pane of the code of conduct and training takes at
              least a third of the screen's height (at 150 % on 1280x800 the
              heading above it once left it four lines)
  keys        a keyboard's or keypad's key is never scrolled out of sight (the
              admin PIN keypad at 150 % in Greek on 1024x768 hid its "0")
  title       a screen with the top bar's settings shows the kiosk's title
              (bar-title): the Greek title vanished at 1280x800 when the
              settings took the bar
  demo        with --demo (a DEMO kiosk): every screen shows the DEMO badge
              (it was on the attract screen only)

    layout_check.py [--quiet] [--demo] DUMP_OR_DIR...

Prints each violation as FILE: RULE: detail, then
"layout check: N screen variants, M violations"; exit 1 on any violation."""
import os
import sys

INTERACTIVE = {"button", "choice", "checkbox", "key", "field", "pad", "hotspot"}
WAY_ON = {"btn-start", "btn-next", "btn-done"}
MODALS = {"btn-cancel-confirm", "btn-lang-close", "btn-stop-confirm"}
TARGET_MM = 15.0
KEY_MM = 11.0


def area(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return (x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else (0, 0)


def inter(a, b):
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


def inside(a, b, tol=1):
    return (a[0] >= b[0] - tol and a[1] >= b[1] - tol and a[0] + a[2] <= b[0] + b[2] + tol
            and a[1] + a[3] <= b[1] + b[3] + tol)


def load(path):
    d = {"widgets": [], "full": {}, "runs": [], "display": None, "screen": "?"}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# screen "):
                d["screen"] = line[9:]
            elif line.startswith("#display\t"):
                p = line.split("\t")
                d["display"] = (int(p[1]), int(p[2]), float(p[3]), p[4], p[5])
            elif line.startswith("#full\t"):
                p = line.split("\t")
                d["full"][p[1]] = (tuple(int(v) for v in p[2:6]), p[6])
            elif line.startswith("#run\t"):
                p = line.split("\t", 12)
                clip = None if p[10] == "-" else tuple(int(v) for v in p[10].split(","))
                d["runs"].append({"owner": None if p[1] == "-" else p[1],
                                  "ink": tuple(int(v) for v in p[2:6]),
                                  "box": tuple(int(v) for v in p[6:10]), "clip": clip,
                                  "flags": set(p[11].split(",")) - {"-"},
                                  "head": p[12] if len(p) > 12 else ""})
            elif line and not line.startswith("#"):
                p = line.split("\t", 7)
                d["widgets"].append({"id": p[0], "kind": p[1],
                                     "rect": tuple(int(v) for v in p[2:6]), "state": p[6],
                                     "label": p[7] if len(p) > 7 else ""})
    return d


def check(path, demo=False):
    d = load(path)
    out = []
    if d["display"] is None:
        return ["no #display line (not a layout dump of this version)"]
    W, H, pxmm = d["display"][0], d["display"][1], d["display"][2]
    screen = (0, 0, W, H)
    ws = d["widgets"]
    byid = {w["id"]: w for w in ws}

    def full(w):
        return d["full"].get(w["id"], (w["rect"], "-"))[0]

    live = [w for w in ws if w["kind"] in INTERACTIVE and w["rect"][2] > 0 and w["rect"][3] > 0]
    for w in ws:
        r = w["rect"]
        if r[2] > 0 and r[3] > 0 and not inside(r, screen, 0):
            out.append(f"offscreen: {w['id']} at {r} on a {W}x{H} screen")
        if (w["kind"] in INTERACTIVE - {"pad"} and "disabled" not in w["state"]):
            need = (KEY_MM if w["kind"] == "key" else TARGET_MM) * pxmm - 0.5
            f = full(w)
            if min(f[2], f[3]) < need:
                out.append(f"target: {w['id']} is {f[2]}x{f[3]} px, under "
                           f"{KEY_MM if w['kind'] == 'key' else TARGET_MM:g} mm ({need + 0.5:.0f} px)")
    # Under a modal question the screen is a dimmed picture (badge and title
    # in it, not noted): only the question's widgets are live.
    modal = any(m in byid for m in MODALS)
    lang, size = byid.get("bar-language"), byid.get("bar-text-size")
    in_bar = lang is not None and size is not None and lang["rect"][1] == size["rect"][1]
    if in_bar and not modal and "bar-title" not in byid:
        out.append("title: the top bar has its settings but not the kiosk's title")
    if demo and not modal and "demo-badge" not in byid:
        out.append("demo: a DEMO kiosk's screen without the DEMO badge")
    for w in ws:
        view = d["full"].get(w["id"], (None, "-"))[1]
        if w["kind"] == "key" and view != "-" and view in byid and \
                not inside(full(w), byid[view]["rect"], 0):
            out.append(f"keys: {w['id']} is scrolled out of sight in {view}")
        if w["id"] == "reading" and w["kind"] == "scroll" and 3 * w["rect"][3] < H:
            out.append(f"reading: the reading pane is {w['rect'][3]} px of a {H} px screen")
        parent = d["full"].get(w["id"], (None, "-"))[1]
        if w["id"] in WAY_ON and parent != "-":
            out.append(f"footer: {w['id']} scrolls with {parent}")
    for i, a in enumerate(live):
        for b in live[i + 1:]:
            ow, oh = area(a["rect"], b["rect"])
            if ow > 0 and oh > 0:
                out.append(f"overlap: {a['id']} and {b['id']} share {ow}x{oh} px")
    notes = [w for w in ws if w["kind"] == "text" and w["rect"][2] > 0 and w["rect"][3] > 0]
    for n in notes:
        # A hotspot (the hidden admin corner) draws nothing and fires only
        # on a 3 s hold: over a note's box (the certificate's QR code when
        # the code takes the full height) it hides nothing. Over free text it
        # is still judged below: nobody should hold readable text to get in.
        for w in (x for x in live if x["kind"] != "hotspot"):
            ow, oh = area(n["rect"], w["rect"])
            if ow > 1 and oh > 1:
                out.append(f"covered: {w['id']} lies over {n['id']} ({ow}x{oh} px)")
    free = []
    for r in d["runs"]:
        vis = r["ink"] if r["clip"] is None else inter(r["ink"], r["clip"])
        what = f"\"{r['head']}\""
        if "clipped" in r["flags"]:
            out.append(f"clipped: {what} ({r['ink'][2]} px) is cut at its {r['box'][2]} px box"
                       + (f" in {r['owner']}" if r["owner"] else ""))
        if vis is None:
            continue
        if not inside(vis, screen, 0):
            out.append(f"offscreen: text {what} at {vis}")
        if r["owner"] is not None:
            o = byid.get(r["owner"])
            if o is not None:
                f = full(o)
                # A widget that shows its text through a window of its own
                # (a text field scrolling a long value) is judged by that window.
                ink = vis if r["clip"] is not None and inside(r["clip"], f) else r["ink"]
                if not inside(ink, f):
                    out.append(f"spill: {what} ({r['ink']}) runs out of {r['owner']} ({f})")
                if "broken" in r["flags"]:
                    out.append(f"broken: a word of {what} is broken inside {r['owner']}")
            continue
        if "heading" in r["flags"] and "broken" in r["flags"]:
            out.append(f"heading: a word of the heading {what} is broken inside "
                       f"(its box is {r['box'][2]} px)")
        free.append((r, vis))
        for w in live:
            ow, oh = area(vis, w["rect"])
            if ow > 1 and oh > 1:
                out.append(f"covered: {w['id']} lies over text {what} ({ow}x{oh} px)")
    for i, (a, va) in enumerate(free):
        for b, vb in free[i + 1:]:
            ow, oh = area(va, vb)
            if ow > 1 and oh > 2:
                out.append(f"text-over: \"{a['head']}\" and \"{b['head']}\" share {ow}x{oh} px")
    return out


def main(argv):
    quiet = "--quiet" in argv
    demo = "--demo" in argv
    args = [a for a in argv if a not in ("--quiet", "--demo")]
    files = []
    for a in args:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                files += [os.path.join(root, n) for n in names if n.endswith(".tsv")]
        else:
            files.append(a)
    files.sort()
    nviol = 0
    rules = {}
    for f in files:
        for v in check(f, demo):
            nviol += 1
            rule = v.split(":", 1)[0]
            rules[rule] = rules.get(rule, 0) + 1
            if not quiet:
                print(f"{f}: {v}")
    by = ", ".join(f"{k} {n}" for k, n in sorted(rules.items()))
    print(f"layout check: {len(files)} screen variants, {nviol} violations" +
          (f" ({by})" if by else ""))
    return 1 if nviol or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
