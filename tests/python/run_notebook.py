#!/usr/bin/env python3
"""Runs the Colab notebook (host_train/colab/train_on_colab.ipynb) end to end, here, on the CPU.

    run_notebook.py NOTEBOOK --source CHECKOUT --build BUILD [--keep FOLDER]

It executes the notebook with nbclient in a python3 (ipykernel) kernel, in a fresh folder, with
the checkout and its build instead of a clone and a CUDA build: the notebook reads DNZ_REPO and
DNZ_BUILD from the environment (its parameters cell), so the clone, the packages and the build
cells need no change. `import dnz` works because PYTHONPATH names BUILD/python (the CTest sets
it), so the notebook does not pip install. MNIST: the folder's data/mnist is a link to the
checkout's (DNZ_MNIST_DIR), which the notebook's fetch_mnist.sh finds complete.

Only these cells change, and the script prints each change before the run:
  train           --device cuda -> --device cpu, and a tiny run (RUN_FLAGS below)
  export          the export evaluates on the first EXPORT_TEST_DIGITS test digits, not 10,000
  download-model  google.colab's files.download exists only on Colab: replaced by a comment

Any cell error fails it (exit 1), and so does a notebook that shows fewer pictures than it
should. Without nbclient or ipykernel it prints a pytest-style SKIPPED line (CTest: Skipped),
or fails when CI=true.
"""
import argparse
import os
import sys
import tempfile
import time

from notebook_kernel import kernel_environment, missing_tools, plain

RUN_FLAGS = "--device cpu --epochs 1 --train-limit 512 --val-limit 500"
EXPORT_TEST_DIGITS = 500
# Cell id: (text the cell must contain, what replaces it). None: the whole cell is replaced.
CHANGES = {
    "train": ("--device cuda", RUN_FLAGS),
    "export": ("--export runs/colab/model.dnz",
               f"--export runs/colab/model.dnz --val-limit {EXPORT_TEST_DIGITS}"),
    "download-model": (None, "# (run_notebook.py: not on Colab, so no files.download; "
                             "the model stays in runs/colab/model.dnz)"),
}
# The pictures the notebook shows: the trainer's loss curve and digits, the dnz grid, the photo.
MIN_PICTURES = 4


def fail(message):
    print(plain(f"run_notebook: {message}"), flush=True)
    sys.exit(1)


def change_cells(nb):
    cells = {cell.get("id"): cell for cell in nb.cells}
    for cell_id, (old, new) in CHANGES.items():
        cell = cells.get(cell_id)
        if cell is None or cell.cell_type != "code":
            fail(f"the notebook has no code cell with id {cell_id!r} (the cells this test changes)")
        if old is None:
            cell.source = new
            print(f"run_notebook: cell {cell_id!r}: replaced by {new!r}")
            continue
        if cell.source.count(old) != 1:
            fail(f"cell {cell_id!r} does not contain {old!r} exactly once")
        cell.source = cell.source.replace(old, new)
        print(f"run_notebook: cell {cell_id!r}: {old!r} -> {new!r}")


def cell_text(cell):
    """The cell's printed output and errors, for the log."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback))
        elif "text/plain" in output.get("data", {}) and "image/png" not in output.data:
            parts.append(output.data["text/plain"] + "\n")
    return plain("".join(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--source", required=True, help="the checkout (DNZ_REPO)")
    parser.add_argument("--build", required=True, help="its build, with host_train (DNZ_BUILD)")
    parser.add_argument("--keep", help="run in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        if os.environ.get("CI") == "true":
            fail(f"{missing}: scripts/install_deps.sh installs them")
        print(f"SKIPPED [notebook]: {missing}")
        return
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(args.notebook, as_version=4)
    change_cells(nb)
    source = os.path.abspath(args.source)
    build = os.path.abspath(args.build)
    mnist = os.environ.get("DNZ_MNIST_DIR", os.path.join(source, "data/mnist"))
    with tempfile.TemporaryDirectory(prefix="dnz-notebook-") as temp:
        print(f"run_notebook: kernel {sys.executable}", flush=True)
        work = os.path.abspath(args.keep) if args.keep else temp
        os.makedirs(os.path.join(work, "data"), exist_ok=True)
        if not os.path.lexists(os.path.join(work, "data/mnist")):
            os.symlink(os.path.abspath(mnist), os.path.join(work, "data/mnist"))
        os.environ.update(kernel_environment(temp))
        os.environ.update({"DNZ_REPO": source, "DNZ_BUILD": build})
        print(f"run_notebook: running {args.notebook} in {work}", flush=True)
        client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": work}})
        start = time.monotonic()
        error = None
        try:
            client.execute()
        except CellExecutionError as e:
            error = e
        finally:
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code" and cell.get("outputs"):
                    print(f"--- cell {i} ({cell.get('id')})\n{cell_text(cell)}", end="", flush=True)
            nbformat.write(nb, os.path.join(work, "executed.ipynb"))
        if error is not None:
            fail(f"a cell failed after {time.monotonic() - start:.0f} s:\n{error}")
        pictures = sum("image/png" in output.get("data", {})
                       for cell in nb.cells if cell.cell_type == "code"
                       for output in cell.outputs)
        if pictures < MIN_PICTURES:
            fail(f"the notebook showed {pictures} pictures, not {MIN_PICTURES}")
        print(f"run_notebook: every cell ran, {pictures} pictures, "
              f"{time.monotonic() - start:.0f} s", flush=True)


main()
