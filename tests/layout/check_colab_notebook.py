#!/usr/bin/env python3
"""The Colab notebook (host_train/colab/train_on_colab.ipynb) is a valid nbformat-4 notebook,
and every shell command in it (a code line starting with "!") is one the README documents in
its "Train on Colab or a GPU host" section, so that the two cannot drift apart. Commands
inside Python blocks (an indented "!", e.g. the build that a given build folder skips) count too.

  check_colab_notebook.py NOTEBOOK README
"""
import json
import re
import sys


def fail(message):
    print(f"check_colab_notebook: {message}")
    sys.exit(1)


def notebook_commands(path):
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: not a readable JSON notebook: {e}")
    if nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list) or not nb["cells"]:
        fail(f"{path}: not an nbformat 4 notebook with cells")
    commands = []
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") not in ("code", "markdown", "raw") or "source" not in cell:
            fail(f"{path}: cell {i} is malformed")
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            line = line.strip()
            if line.startswith("!"):
                # Python interpolation in a notebook is a shell variable in the README.
                commands.append(re.sub(r"\{(\w+)\}", r"$\1", line[1:].strip()))
    if not commands:
        fail(f"{path}: no shell commands")
    return commands


def readme_commands(path):
    text = open(path, encoding="utf-8").read()
    match = re.search(r"^## Train on Colab or a GPU host\n(.*?)(?=^## )", text, re.S | re.M)
    if not match:
        fail(f"{path}: no '## Train on Colab or a GPU host' section")
    blocks = re.findall(r"```sh\n(.*?)```", match.group(1), re.S)
    return {line.split("  #")[0].strip() for block in blocks for line in block.splitlines()}


def main():
    if len(sys.argv) != 3:
        fail("usage: check_colab_notebook.py NOTEBOOK README")
    documented = readme_commands(sys.argv[2])
    missing = [c for c in notebook_commands(sys.argv[1]) if c not in documented]
    if missing:
        fail("notebook commands the README does not document:\n  " + "\n  ".join(missing))
    print("check_colab_notebook: the notebook's commands are the README's")


main()
