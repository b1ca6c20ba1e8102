#!/usr/bin/python3
"""Every relative link in README.md and docs/*.md resolves inside the repository (issue 25:
"Links in docs/ must resolve"). Markdown links [text](target) whose target is not a URL or an
anchor; a #fragment is dropped. Prints a line per broken link and "N passed, M failed"
(one check per file)."""
import os
import re
import sys

repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
files = [os.path.join(repo, "README.md")] + sorted(
    os.path.join(repo, "docs", f) for f in os.listdir(os.path.join(repo, "docs")) if f.endswith(".md"))
link = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
passed = failed = 0
for path in files:
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code blocks are not links
    broken = []
    for target in link.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        resolved = os.path.normpath(os.path.join(os.path.dirname(path), target.split("#")[0]))
        if not resolved.startswith(repo) or not os.path.exists(resolved):
            broken.append(target)
    rel = os.path.relpath(path, repo)
    if broken:
        failed += 1
        print("FAIL - %s: %s" % (rel, ", ".join(broken)))
    else:
        passed += 1
        print("ok   - %s" % rel)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
