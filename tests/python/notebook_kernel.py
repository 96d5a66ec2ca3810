"""What the notebook's tests share (run_notebook.py, test_notebook_source.py): nbclient and a
"python3" Jupyter kernel that is this interpreter, with the kernel's files in a temporary folder."""
import importlib.util
import json
import os
import re
import sys

NOTEBOOK = "host_train/colab/train_on_colab.ipynb"  # its path in the repository


def missing_tools():
    """None where nbclient and ipykernel import, else what is missing, in one line."""
    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as e:
        return f"{e} (Debian: python3-nbclient python3-ipykernel)"
    if importlib.util.find_spec("ipykernel") is None:  # the kernel that nbclient starts
        return "No module named 'ipykernel' (Debian: python3-nbclient python3-ipykernel)"
    return None


def kernel_environment(temp):
    """Writes the kernel spec "python3" under TEMP and returns the environment variables that
    make nbclient start it: this interpreter (the one the extension was built for, with numpy),
    not whatever kernel spec or python3 the machine has first."""
    spec_dir = os.path.join(temp, "jupyter-data/kernels/python3")
    os.makedirs(spec_dir)
    with open(os.path.join(spec_dir, "kernel.json"), "w", encoding="utf-8") as f:
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        json.dump({"argv": argv, "display_name": "Python 3", "language": "python"}, f)
    return {
        "JUPYTER_PATH": os.path.join(temp, "jupyter-data"),
        # The kernel's own files (history, connection files) stay in the temporary folder.
        "IPYTHONDIR": os.path.join(temp, "ipython"),
        "JUPYTER_RUNTIME_DIR": os.path.join(temp, "jupyter"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # ipykernel's debugger: no frozen-module warning
    }


def plain(text):
    """Without the terminal colours of IPython's tracebacks."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
