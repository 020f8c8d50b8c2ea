"""Executes one notebook with nbclient (the engine of `jupyter nbconvert --execute`), stopping at the first
failing cell. Writes the executed notebook (also when a cell failed, with that cell's outputs) and, on
failure, prints the failing cell and what it wrote to stderr (tslab reports errors there, not in the
error message). Exit status 1 when a cell failed.

Usage: /usr/bin/python3 scripts/execute-notebook.py IN.ipynb OUT.ipynb [--kernel tslab] [--timeout 900]
"""
import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    a = ap.parse_args()
    nb = nbformat.read(a.src, as_version=4)
    cwd = os.path.dirname(os.path.abspath(a.src))
    client = NotebookClient(nb, timeout=a.timeout, kernel_name=a.kernel, resources={"metadata": {"path": cwd}})
    failed = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        failed = e
    tmp = a.dst + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, a.dst)
    if failed is None:
        return 0
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    # The failing cell is the last one that was executed (it has an execution count).
    ran = [i for i, c in enumerate(code_cells) if c.get("execution_count")]
    idx = ran[-1] if ran else 0
    cell = code_cells[idx] if code_cells else None
    print(f"  failing code cell #{idx + 1}:")
    if cell is not None:
        for line in cell.source.splitlines()[:8]:
            print(f"    | {line}")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                for line in out.text.rstrip().splitlines()[:20]:
                    print(f"    ! {line}")
            elif out.get("output_type") == "error":
                print(f"    ! {out.get('ename', '')}: {out.get('evalue', '')}")
    if isinstance(failed, CellTimeoutError):
        print(f"    ! timed out after {a.timeout} s")
    return 1


if __name__ == "__main__":
    sys.exit(main())
