#!/usr/bin/python3
"""Runs the boto3 suites (test_*.py beside this file, or the files named on the command line)
with unittest and ends with one line "N passed, M failed" (errors and unexpected successes count
as failed; skips are reported but not counted). Use /usr/bin/python3 (Debian's boto3)."""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "lib"))


class Result(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def main(argv):
    loader = unittest.TestLoader()
    if argv:
        suite = unittest.TestSuite(loader.loadTestsFromName(os.path.splitext(os.path.basename(a))[0]) for a in argv)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    t0 = time.monotonic()
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=Result)
    res = runner.run(suite)
    failed = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    if res.skipped:
        print("%d skipped" % len(res.skipped))
    print("(%.1f s)" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (res.passed, failed))
    return 0 if failed == 0 and res.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
