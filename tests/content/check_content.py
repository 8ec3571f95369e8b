#!/usr/bin/python3
"""Check every shipped plugin content file (plugins/<code>/content/<lang>.json).

Each file must parse, validate against plugins/sdk/schema/content.schema.json
(JSON Schema draft 2020-12), name its own language, use unique ids, and point
every training page and quiz question at a section that exists. The languages of
one bundle must carry the same ids in the same order, the same correct answers
and the same number of choices and reporting channels, and match the manifest's
"languages" when a manifest is present. The NATO baseline needs at least 8 quiz
questions and 4-10 sections, every nation at least 5 questions, 3-6 sections and
3-6 clauses, and every section at least one question; the template is exempt
from these counts. A quiz is unfair, and refused, when a question has fewer
than 3 choices or names no section, or when the correct choice is the longest
in more than 40 % of its questions. The manifest is checked against its schema;
a language may say "draft": false only with a "review" of it in the manifest.
A text of the manifest that the kiosk shows (the service number's label, the
training course) must be there in every UI language (assets/ui/<lang>.json):
the kiosk would otherwise show it in English (issue 14: the Greek identity
screen's "National identity number or D-number").

    check_content.py [--root DIR]     check the tree at DIR (default: this repo)
    check_content.py --self-test      show that broken content is refused

Exit status: 0 all good, 1 problems found (each printed on one line naming the
file), 2 usage error or missing dependency.
"""

import argparse
import copy
import json
import os
import sys
import tempfile

try:
    import jsonschema
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("check_content: python3-jsonschema is not installed\n")
    sys.exit(2)

SCHEMA_PATH = os.path.join("plugins", "sdk", "schema", "content.schema.json")
MANIFEST_SCHEMA_PATH = os.path.join("plugins", "sdk", "schema", "manifest.schema.json")
ROOT_FOR_SCHEMAS = ["."]  # the tree whose schemas apply (set by check_tree)
UI_LANGUAGES = [[]]  # the kiosk's UI languages of the tree checked (set by check_tree)
UI_PATH = os.path.join("assets", "ui")
TEMPLATE = "template"
# (min sections, max sections, min questions, min clauses, max clauses)
LIMITS_NATO = (4, 10, 8, 3, 6)
MIN_CHOICES = 3
MAX_LONGEST_SHARE = 0.4
LIMITS_NATION = (3, 6, 5, 3, 6)


def load_json(path, problems):
    """Parse a JSON file; on failure append 'path:line:col: message'."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        problems.append("%s:%d:%d: malformed JSON: %s" % (path, e.lineno, e.colno, e.msg))
    except (OSError, UnicodeDecodeError) as e:
        problems.append("%s: cannot read: %s" % (path, e))
    return None


def ids(items):
    return [item.get("id") for item in items]


def check_file(path, doc, validator, problems):
    """Schema and in-file checks of one content document. True if it is usable."""
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        problems.append("%s: %s: %s" % (path, where, e.message))
    if errors:
        return False

    stem = os.path.splitext(os.path.basename(path))[0]
    if doc["language"] != stem:
        problems.append("%s: language is \"%s\" but the file is named for \"%s\""
                        % (path, doc["language"], stem))

    sections = doc["code_of_conduct"]["sections"]
    lists = {
        "code_of_conduct/sections": sections,
        "training/pages": doc["training"]["pages"],
        "quiz/questions": doc["quiz"]["questions"],
        "clauses": doc["clauses"],
    }
    for name, items in lists.items():
        seen = set()
        for i in ids(items):
            if i in seen:
                problems.append("%s: %s: duplicate id \"%s\"" % (path, name, i))
            seen.add(i)

    known = set(ids(sections))
    for name in ("training/pages", "quiz/questions"):
        for item in lists[name]:
            if item["section"] not in known:
                problems.append("%s: %s/%s: unknown section \"%s\""
                                % (path, name, item["id"], item["section"]))
    for q in doc["quiz"]["questions"]:
        if q["answer"] >= len(q["choices"]):
            problems.append("%s: quiz/questions/%s: answer %d but only %d choices"
                            % (path, q["id"], q["answer"], len(q["choices"])))
        if len(q["choices"]) < MIN_CHOICES:
            problems.append("%s: quiz/questions/%s: %d choices; a fair question has at least %d"
                            % (path, q["id"], len(q["choices"]), MIN_CHOICES))
    check_guessable(path, doc["quiz"]["questions"], problems)
    return True


def check_guessable(path, questions, problems):
    """A quiz passed by always picking the longest answer teaches nothing: the
    correct choice may be the longest (ties included) in at most
    MAX_LONGEST_SHARE of the questions."""
    longest = [q["id"] for q in questions
               if q["answer"] < len(q["choices"]) and
               len(q["choices"][q["answer"]]) >= max(len(c) for c in q["choices"])]
    if questions and len(longest) > MAX_LONGEST_SHARE * len(questions):
        problems.append("%s: quiz: the correct choice is the longest in %d of %d questions (%s); "
                        "at most %d%% may be" % (path, len(longest), len(questions),
                                                 ", ".join(longest), MAX_LONGEST_SHARE * 100))


def shape(doc):
    """What must be identical in every language of one bundle."""
    return {
        "section ids": ids(doc["code_of_conduct"]["sections"]),
        "training page ids and sections":
            [(p["id"], p["section"]) for p in doc["training"]["pages"]],
        "quiz ids, sections, answers and choice counts":
            [(q["id"], q["section"], q["answer"], len(q["choices"]))
             for q in doc["quiz"]["questions"]],
        "clause ids": ids(doc["clauses"]),
        "number of reporting channels": len(doc["reporting"]),
    }


def check_counts(code, path, doc, problems):
    if code == TEMPLATE:
        return
    asked = {q["section"] for q in doc["quiz"]["questions"]}
    for sec in doc["code_of_conduct"]["sections"]:
        if sec["id"] not in asked:
            problems.append("%s: section \"%s\" has no quiz question; every section that "
                            "teaches a rule needs at least one" % (path, sec["id"]))
    smin, smax, qmin, cmin, cmax = LIMITS_NATO if code == "nato" else LIMITS_NATION
    n = len(doc["code_of_conduct"]["sections"])
    if not smin <= n <= smax:
        problems.append("%s: %d sections; bundle \"%s\" needs %d-%d" % (path, n, code, smin, smax))
    n = len(doc["quiz"]["questions"])
    if n < qmin:
        problems.append("%s: %d quiz questions; bundle \"%s\" needs at least %d"
                        % (path, n, code, qmin))
    n = len(doc["clauses"])
    if not cmin <= n <= cmax:
        problems.append("%s: %d clauses; bundle \"%s\" needs %d-%d" % (path, n, code, cmin, cmax))


def check_manifest(path, manifest, docs, problems):
    """The manifest against its schema ("files" is written when signing), and
    what it says about the content: a language is out of draft only with a
    review of it, and clause_categories names clauses that exist."""
    schema_path = os.path.join(ROOT_FOR_SCHEMAS[0], MANIFEST_SCHEMA_PATH)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    schema["required"] = [r for r in schema["required"] if r != "files"]
    for e in sorted(jsonschema.Draft202012Validator(schema).iter_errors(manifest),
                    key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        problems.append("%s: %s: %s" % (path, where, e.message))
    review = manifest.get("review")
    reviewed = set()
    if isinstance(review, dict):
        reviewed = set(review.get("languages") or manifest.get("languages") or [])
    for cpath, doc in sorted(docs.items()):
        if doc.get("draft") is False and doc.get("language") not in reviewed:
            problems.append("%s: \"draft\": false but %s names no review of \"%s\" "
                            "(review: {by, role, date})" % (cpath, path, doc.get("language")))
    rules = manifest.get("rules") if isinstance(manifest.get("rules"), dict) else {}
    shown = [("rules/service_number/label", (rules.get("service_number") or {}).get("label")),
             ("rules/training_confirmation/course",
              (rules.get("training_confirmation") or {}).get("course"))]
    for where, texts in shown:
        if not isinstance(texts, dict):
            continue
        for lang in UI_LANGUAGES[0]:
            if not texts.get(lang):
                problems.append("%s: %s: no text for UI language \"%s\" (the kiosk would "
                                "show it in English)" % (path, where, lang))
        for lang, text in sorted(texts.items()):
            # The course goes into the certificate's evidence, a field of 127 bytes.
            if where.endswith("course") and isinstance(text, str) and len(text.encode()) > 127:
                problems.append("%s: %s/%s: %d bytes; the certificate records at most 127"
                                % (path, where, lang, len(text.encode())))
    cats = (manifest.get("rules") or {}).get("clause_categories") or {}
    for doc in docs.values():
        known = set(ids(doc["clauses"]))
        for cid in sorted(cats):
            if cid not in known:
                problems.append("%s: rules/clause_categories: no clause \"%s\" in content/%s.json"
                                % (path, cid, doc["language"]))
        break


def check_bundle(bundle_dir, validator, problems):
    code = os.path.basename(bundle_dir.rstrip(os.sep))
    content_dir = os.path.join(bundle_dir, "content")
    names = sorted(n for n in os.listdir(content_dir) if n.endswith(".json"))
    if not names:
        problems.append("%s: no content/<lang>.json files" % content_dir)
        return 0
    docs = {}
    for name in names:
        path = os.path.join(content_dir, name)
        doc = load_json(path, problems)
        if doc is not None and check_file(path, doc, validator, problems):
            check_counts(code, path, doc, problems)
            docs[path] = doc

    if len(docs) > 1:
        first_path = sorted(docs)[0]
        first = shape(docs[first_path])
        for path in sorted(docs)[1:]:
            other = shape(docs[path])
            for what in first:
                if first[what] != other[what]:
                    problems.append("%s: %s differ from %s" % (path, what, first_path))

    manifest_path = os.path.join(bundle_dir, "manifest.json")
    if os.path.exists(manifest_path):
        manifest = load_json(manifest_path, problems)
        if isinstance(manifest, dict):
            check_manifest(manifest_path, manifest, docs, problems)
        langs = manifest.get("languages") if isinstance(manifest, dict) else None
        if isinstance(langs, list):
            have = {os.path.splitext(n)[0] for n in names}
            for lang in sorted(set(langs) - have):
                problems.append("%s: language \"%s\" listed but content/%s.json is missing"
                                % (manifest_path, lang, lang))
            for lang in sorted(have - set(langs)):
                problems.append("%s: content/%s.json is not listed in \"languages\""
                                % (manifest_path, lang))
    return len(names)


def make_validator(root):
    schema_path = os.path.join(root, SCHEMA_PATH)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def check_tree(root, validator=None):
    """All problems found under root/plugins, and how many content files were read."""
    validator = validator or make_validator(root)
    if os.path.exists(os.path.join(root, MANIFEST_SCHEMA_PATH)):
        ROOT_FOR_SCHEMAS[0] = root
    ui = os.path.join(root, UI_PATH)
    UI_LANGUAGES[0] = sorted(os.path.splitext(n)[0] for n in os.listdir(ui)
                             if n.endswith(".json")) if os.path.isdir(ui) else []
    problems = []
    count = 0
    plugins = os.path.join(root, "plugins")
    for code in sorted(os.listdir(plugins)):
        bundle_dir = os.path.join(plugins, code)
        if os.path.isdir(os.path.join(bundle_dir, "content")):
            count += check_bundle(bundle_dir, validator, problems)
    return problems, count


# ---------------------------------------------------------------- self-test

def self_test(root):
    """Each deliberately broken bundle must be refused with its own message."""
    validator = make_validator(root)
    ROOT_FOR_SCHEMAS[0] = root
    with open(os.path.join(root, "plugins", "nato", "content", "en.json"), encoding="utf-8") as f:
        good = json.load(f)
    with open(os.path.join(root, "plugins", "nato", "manifest.json"), encoding="utf-8") as f:
        good_manifest = json.load(f)

    def run(mutate, lang2=None, raw=None, manifest=None, ui=()):
        with tempfile.TemporaryDirectory() as tmp:
            content = os.path.join(tmp, "plugins", "nato", "content")
            os.makedirs(content)
            for lang in ui:  # the kiosk's UI languages of this tree
                os.makedirs(os.path.join(tmp, UI_PATH), exist_ok=True)
                with open(os.path.join(tmp, UI_PATH, lang + ".json"), "w") as f:
                    f.write("{}")
            os.makedirs(os.path.dirname(os.path.join(tmp, SCHEMA_PATH)))
            doc = copy.deepcopy(good)
            mutate(doc)
            with open(os.path.join(content, "en.json"), "w", encoding="utf-8") as f:
                f.write(raw if raw is not None else json.dumps(doc, ensure_ascii=False))
            if manifest is not None:
                m = copy.deepcopy(good_manifest)
                m["languages"] = ["en"]
                m["rules"]["service_number"]["label"] = {"en": "Service number"}
                manifest(m)
                with open(os.path.join(tmp, "plugins", "nato", "manifest.json"), "w",
                          encoding="utf-8") as f:
                    json.dump(m, f)
            if lang2 is not None:
                other = copy.deepcopy(good)
                other["language"] = "fr"
                lang2(other)
                with open(os.path.join(content, "fr.json"), "w", encoding="utf-8") as f:
                    json.dump(other, f, ensure_ascii=False)
            problems, _ = check_tree(tmp, validator)
            return problems

    def q(doc, i=0):
        return doc["quiz"]["questions"][i]

    def setitem(obj, key, value):
        obj[key] = value

    cases = [
        ("malformed JSON names line and column",
         lambda d: None, None, '{\n  "language": "en",\n  oops\n}', "en.json:3:3: malformed JSON"),
        ("attestation without {version}",
         lambda d: setitem(d, "attestation", "I, {name}, accept {bundle}."), None, None,
         "attestation"),
        ("attestation with an unknown placeholder",
         lambda d: setitem(d, "attestation", d["attestation"] + " {rank}"), None, None,
         "attestation"),
        ("answer beyond three choices",
         lambda d: (setitem(q(d), "choices", q(d)["choices"][:3]), setitem(q(d), "answer", 3)),
         None, None, "quiz/questions/0/answer"),
        ("unknown member",
         lambda d: setitem(d, "colour", "red"), None, None, "'colour' was unexpected"),
        ("line break inside a paragraph",
         lambda d: setitem(d["code_of_conduct"]["sections"][0], "paragraphs", ["one\ntwo"]),
         None, None, "code_of_conduct/sections/0/paragraphs/0"),
        ("the correct choice longest in most questions",
         lambda d: [setitem(x, "choices", [x["choices"][x["answer"]] + " indeed, always"] +
                            [c for i, c in enumerate(x["choices"]) if i != x["answer"]])
                    or setitem(x, "answer", 0) for x in d["quiz"]["questions"]], None, None,
         "the correct choice is the longest in"),
        ("two choices only",
         lambda d: setitem(q(d), "choices", ["yes", "no"]), None, None,
         "quiz/questions/0/choices"),
        ("quiz question pointing at a missing section",
         lambda d: setitem(q(d), "section", "no-such-section"), None, None,
         "unknown section \"no-such-section\""),
        ("training page pointing at a missing section",
         lambda d: setitem(d["training"]["pages"][0], "section", "gone"), None, None,
         "training/pages/t-who-is-covered: unknown section \"gone\""),
        ("duplicate clause id",
         lambda d: setitem(d["clauses"][1], "id", d["clauses"][0]["id"]), None, None,
         "duplicate id \"c1\""),
        ("language not matching the file name",
         lambda d: setitem(d, "language", "de"), None, None,
         "language is \"de\" but the file is named for \"en\""),
        ("a section no question asks about",
         lambda d: [setitem(x, "section", "zero-tolerance") for x in d["quiz"]["questions"]
                    if x["section"] == "indicators"], None, None,
         "section \"indicators\" has no quiz question"),
        ("too few questions for the NATO baseline",
         lambda d: setitem(d["quiz"], "questions", d["quiz"]["questions"][:7]), None, None,
         "7 quiz questions; bundle \"nato\" needs at least 8"),
        ("translation with a different question id",
         lambda d: None, lambda o: setitem(q(o), "id", "q1x"), None,
         "quiz ids, sections, answers and choice counts differ"),
        ("translation with a different correct answer",
         lambda d: None, lambda o: setitem(q(o), "answer", 0), None,
         "quiz ids, sections, answers and choice counts differ"),
        ("translation with a missing clause",
         lambda d: None, lambda o: o["clauses"].pop(), None, "clause ids differ"),
    ]
    def undraft(d):
        d["draft"] = False

    review = {"by": "A. Reviewer", "role": "Legal adviser", "date": "2026-05-01"}
    manifest_cases = [
        ("\"draft\": false without a review in the manifest", undraft, lambda m: None,
         "names no review of \"en\""),
        ("a review of another language only", undraft,
         lambda m: m.update(review=dict(review, languages=["fr"])), "names no review of \"en\""),
        ("a review without a role", lambda d: None,
         lambda m: m.update(review={"by": "A. Reviewer", "date": "2026-05-01"}),
         "'role' is a required property"),
        ("a review dated 2026-13-45", lambda d: None,
         lambda m: m.update(review=dict(review, date="2026-13-45")), "review/date"),
        ("clause_categories naming no clause", lambda d: None,
         lambda m: m["rules"].update(clause_categories={"c9": ["military"]}),
         "no clause \"c9\""),
        ("clause_categories with an unknown category", lambda d: None,
         lambda m: m["rules"].update(clause_categories={"c1": ["officer"]}),
         "rules/clause_categories/c1/0"),
    ]
    failed = 0
    # The manifest's label with English alone, in a tree whose kiosk speaks Greek too.
    problems = run(lambda d: None, manifest=lambda m: None, ui=("en", "el"))
    expect = 'rules/service_number/label: no text for UI language "el"'
    if not any(expect in p for p in problems):
        failed += 1
        print("FAIL a label missing a UI language: expected %r, got %r" % (expect, problems))
    else:
        print("ok   refused: a label missing a UI language (shown in English)")
    for name, mutate, man, expect in manifest_cases:
        problems = run(mutate, manifest=man)
        if not any(expect in p for p in problems):
            failed += 1
            print("FAIL %s: expected a problem containing %r, got %r" % (name, expect, problems))
        else:
            print("ok   refused: %s" % name)
    problems = run(undraft, manifest=lambda m: m.update(review=review))
    if problems:
        failed += 1
        print("FAIL a reviewed language out of draft was refused: %r" % problems)
    else:
        print("ok   accepted: a reviewed language out of draft")

    for name, mutate, lang2, raw, expect in cases:
        problems = run(mutate, lang2, raw)
        if not any(expect in p for p in problems):
            failed += 1
            print("FAIL %s: expected a problem containing %r, got %r" % (name, expect, problems))
        else:
            print("ok   refused: %s" % name)

    # Positive controls: the untouched file, a faithful translation and
    # "_comment" members anywhere are all accepted.
    def comments(d):
        d["_comment"] = "top"
        d["code_of_conduct"]["_comment"] = "sections"
        d["code_of_conduct"]["sections"][0]["_comment"] = "one section"
        q(d)["_comment"] = "a question"
        d["reporting"][0]["_comment"] = "a channel"

    for name, mutate, lang2 in [("the shipped file", lambda d: None, None),
                                ("a faithful second language", lambda d: None, lambda o: None),
                                ("_comment members", comments, None)]:
        problems = run(mutate, lang2)
        if problems:
            failed += 1
            print("FAIL %s was refused: %r" % (name, problems))
        else:
            print("ok   accepted: %s" % name)
    return failed


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")),
                    help="source tree to check (default: this repository)")
    ap.add_argument("--self-test", action="store_true",
                    help="check that deliberately broken content is refused")
    args = ap.parse_args()

    if args.self_test:
        failed = self_test(args.root)
        print("%s" % ("self-test passed" if not failed else "%d self-test case(s) failed" % failed))
        return 1 if failed else 0

    problems, count = check_tree(args.root)
    for p in problems:
        print(p)
    if count == 0:
        print("no content files found under %s/plugins" % args.root)
        return 1
    print("%d content file(s) checked, %d problem(s)" % (count, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
