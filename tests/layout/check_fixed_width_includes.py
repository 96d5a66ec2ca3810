#!/usr/bin/env python3
"""Every C++ file that uses the fixed-width integer types (uint8_t, int32_t, SIZE_MAX, ...)
includes <cstdint> (or <stdint.h>, <cinttypes>, <inttypes.h>) itself, not through another
standard header: GCC 13's libstdc++ stopped including <cstdint> from <string>, <vector> and
others, so such a file builds with GCC 12 (Debian 12) and fails with GCC 13 (Ubuntu 24.04, the
compiler Colab builds the notebook with).

  check_fixed_width_includes.py SOURCE_DIR
"""
import re
import sys
from pathlib import Path

FOLDERS = ("bench", "firmware_demo", "host_lib", "host_train", "python", "runtime",
           "runtime_demo", "tests", "web")
SUFFIXES = {".cc", ".cpp", ".h", ".hpp", ".cu", ".cuh"}
USES = re.compile(r"\b(u?int(8|16|32|64)_t|u?intptr_t|u?intmax_t|SIZE_MAX|U?INT(8|16|32|64)_(MAX|MIN))\b")
INCLUDES = re.compile(r"^\s*#\s*include\s*<(cstdint|stdint\.h|cinttypes|inttypes\.h)>", re.M)


def main():
    if len(sys.argv) != 2:
        print("usage: check_fixed_width_includes.py SOURCE_DIR")
        return 1
    root = Path(sys.argv[1])
    missing, checked = [], 0
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if USES.search(text):
                checked += 1
                if not INCLUDES.search(text):
                    missing.append(str(path.relative_to(root)))
    if missing:
        print("check_fixed_width_includes: these use fixed-width integer types without "
              "including <cstdint> themselves:\n  " + "\n  ".join(missing))
        return 1
    print(f"check_fixed_width_includes: {checked} files use the fixed-width types, each includes "
          "<cstdint> or <stdint.h> itself")
    return 0


sys.exit(main())
