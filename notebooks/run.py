"""Run a notebook top to bottom and keep the executed copy (with outputs) in artifacts/.

    .venv/bin/python notebooks/run.py notebooks/screening_evaluation.ipynb

The notebook in git has no outputs; the executed copy is written to
artifacts/notebooks/NAME.ipynb, and its figures can be read there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path, *, timeout: int = 1200) -> Path:
    """Execute the notebook with the repository as working directory; return the copy."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    out = ROOT / "artifacts" / "notebooks" / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out)
    return out


if __name__ == "__main__":
    print(run(Path(sys.argv[1]).resolve()))
