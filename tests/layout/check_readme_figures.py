#!/usr/bin/env python3
"""The README's figures are the committed benchmark results' (one source per fact): the rows
scripts/write_benchmarks_md.py writes between the README's figure markers match what it
would write from bench/results/ now, so a hand edit or a benchmark run without the rewrite
fails here. Usage: check_readme_figures.py RESULTS_DIR README_MD"""
import difflib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from write_benchmarks_md import readme_rows, rewrite_readme_figures  # noqa: E402


def main(results, readme):
    text = open(readme).read()
    want = rewrite_readme_figures(text, readme_rows(results))
    if want != text:
        diff = difflib.unified_diff(text.splitlines(), want.splitlines(), "README.md",
                                    "from bench/results", lineterm="")
        sys.exit("check_readme_figures: README.md's figures differ from bench/results/ "
                 "(python3 scripts/write_benchmarks_md.py bench/results docs/benchmarks.md "
                 "README.md):\n" + "\n".join(diff))
    print("check_readme_figures: ok")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
