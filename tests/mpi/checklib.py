"""checklib: the PASS/FAIL line protocol shared by the Python checkers (read by the .sh scripts)."""
import sys


class Checks:
    """Prints one PASS or FAIL line per check; failed says whether any failed."""

    def __init__(self):
        self.failed = False

    def __call__(self, ok, desc, *diag):
        print(("PASS " if ok else "FAIL ") + desc)
        if not ok:
            self.failed = True
            for d in diag:
                print("# " + str(d))
        sys.stdout.flush()
