#!/usr/bin/env python3
"""The module rule, checked: a module includes only the headers of what it links.

Every module gets src/ as a PUBLIC include directory (CMakeLists.txt,
coffer_module), so the compiler does not stop `#include "kms/service.h"` in a
module that does not link coffer_kms. This check does. It reads from
CMakeLists.txt

  coffer_module(NAME DIR DEPS...)            module NAME is the .cc/.h of src/DIR
  coffer_test_deps(NAME DEPS...)             NAME_tests also links DEPS
  file(GLOB var ... src/DIR/*.cc) + add_library(NAME ... ${var})
  target_link_libraries(NAME PUBLIC|PRIVATE DEPS...)
                                             other libraries (the conformance suite)
  target_link_libraries(${fuzz_name} ...)    what the fuzz/*.cc targets link

and fails on any `#include "X/Y.h"` of a header in a module's directory that
the including code does not link, directly or transitively:

  - a module's non-test files (.cc, .h) against the module's links;
  - a module's *_test.cc files and test-only headers (*_test_fixture.h,
    *_test_util.h) against what its NAME_tests binary links;
  - header-only fixture directories that are no module (src/crypto/testing)
    as part of every test file that includes them (followed recursively);
  - src/server/main.cc against coffer_server; fuzz/*.cc against the fuzz links.

"coffer/..." (include/, the public Status/Result headers) is open to all, and
includes without a directory (same-directory files) are not checked.

Prints a PASS line per unit without violations, a FAIL line per violation, and ends
with "N passed, M failed" (units: modules, test binaries, executables).
usage: tests/check_module_includes.py [REPO]
"""
import os
import re
import sys

REPO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
OPEN_TO_ALL = ("coffer/",)
# Test-only headers inside a module (secrets_test_fixture.h, migration_test_util.h):
# checked with the module's tests, against what its test binary links.
TEST_HEADER_RE = re.compile(r"(^|_)(test|tests|fixture)(_|\.)")


def cmake_calls(text, name):
    """The argument lists of every `name(...)` call (multi-line, no nesting)."""
    text = re.sub(r"#[^\n]*", "", text)
    for m in re.finditer(r"\b%s\s*\(([^)]*)\)" % re.escape(name), text):
        yield m.group(1).split()


def parse_cmake():
    text = open(os.path.join(REPO, "CMakeLists.txt")).read()
    modules = {}  # name -> src-relative dir
    links = {}    # name -> [direct deps]
    for args in cmake_calls(text, "coffer_module"):
        if args[0] in ("name",):  # the function's own definition
            continue
        modules[args[0]] = args[1]
        links[args[0]] = args[2:]
    globs = {}
    for args in cmake_calls(text, "file"):
        if args[0] == "GLOB" and args[-1].endswith("/*.cc"):
            m = re.search(r"/src/(.+)/\*\.cc$", args[-1])
            if m:
                globs[args[1]] = m.group(1)
    plain = set()  # libraries from add_library (not coffer_module)
    for args in cmake_calls(text, "add_library"):
        if args[0].startswith("$"):  # coffer_module's own add_library
            continue
        for a in args[1:]:
            m = re.fullmatch(r"\$\{(\w+)\}", a)
            if m and m.group(1) in globs and not globs[m.group(1)].startswith("$"):
                modules[args[0]] = globs[m.group(1)]
                links[args[0]] = []
                plain.add(args[0])
    fuzz_links = []
    for args in cmake_calls(text, "target_link_libraries"):
        deps = [a for a in args[1:] if a not in ("PUBLIC", "PRIVATE", "INTERFACE")]
        if args[0] in plain:
            links[args[0]].extend(deps)
        elif args[0] == "${fuzz_name}":
            fuzz_links.extend(deps)
    test_links = {name: [name] for name in modules}
    for args in cmake_calls(text, "coffer_test_deps"):
        if args[0] in test_links:
            test_links[args[0]].extend(args[1:])
    return modules, links, test_links, fuzz_links


def closure(roots, links):
    seen, todo = set(), list(roots)
    while todo:
        t = todo.pop()
        if t in seen:
            continue
        seen.add(t)
        todo.extend(links.get(t, []))
    return seen


def includes(path):
    try:
        return INCLUDE_RE.findall(open(path, errors="replace").read())
    except OSError:
        return []


def main():
    modules, links, test_links, fuzz_links = parse_cmake()
    dir_to_module = {d: n for n, d in modules.items()}
    src = os.path.join(REPO, "src")

    def owner(inc):
        """(module or None, is_project_header) for an include path."""
        d = os.path.dirname(inc)
        if not d or inc.startswith(OPEN_TO_ALL):
            return None, False
        if d in dir_to_module:
            return dir_to_module[d], True
        return None, os.path.exists(os.path.join(src, inc))

    results = []  # (unit, [violations])

    def check(unit, files, allowed, follow_fixtures):
        bad, seen = [], set()
        todo = list(files)
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            rel = os.path.relpath(f, REPO)
            for inc in includes(f):
                mod, project = owner(inc)
                if mod is not None:
                    if mod not in allowed:
                        bad.append("%s: #include \"%s\" (%s), which %s does not link"
                                   % (rel, inc, mod, unit))
                elif project:  # a header in a directory that is no module
                    if follow_fixtures:
                        todo.append(os.path.join(src, inc))
                    else:
                        bad.append("%s: #include \"%s\": a fixture header outside any module, "
                                   "for tests only" % (rel, inc))
        results.append((unit, bad))

    for name, d in sorted(modules.items()):
        full = os.path.join(src, d)
        if not os.path.isdir(full):
            continue
        names = sorted(os.listdir(full))
        is_test = [n.endswith("_test.cc") or (n.endswith(".h") and TEST_HEADER_RE.search(n))
                   for n in names]
        lib = [os.path.join(full, n) for n, t in zip(names, is_test)
               if n.endswith((".cc", ".h")) and not t and not n.endswith("_fuzz.cc")
               and not (name == "coffer_server" and n == "main.cc")]
        tests = [os.path.join(full, n) for n, t in zip(names, is_test) if t]
        check(name, lib, closure([name], links), follow_fixtures=False)
        if tests:
            check(name + "_tests", tests, closure(test_links[name], links), follow_fixtures=True)
    main_cc = os.path.join(src, "server", "main.cc")
    if os.path.exists(main_cc) and "coffer_server" in modules:
        check("coffer (main.cc)", [main_cc], closure(["coffer_server"], links), False)
    fuzz_dir = os.path.join(REPO, "fuzz")
    if fuzz_links and os.path.isdir(fuzz_dir):
        files = [os.path.join(fuzz_dir, n) for n in sorted(os.listdir(fuzz_dir))
                 if n.endswith((".cc", ".h"))]
        check("fuzz targets", files, closure(fuzz_links, links), follow_fixtures=True)

    passed = failed = 0
    for unit, bad in results:
        if not bad:
            print("PASS " + unit)
        for b in bad:  # "FAIL" first: tests/run_all.sh shows these lines
            print("FAIL " + b)
        passed += not bad
        failed += bool(bad)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
