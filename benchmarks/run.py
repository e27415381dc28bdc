"""Scripted, repeatable benchmarks of qualcode on large synthetic studies.

    python benchmarks/run.py [--json] [--quick] [--only import,coding]

Each benchmark runs in a fresh subprocess so that peak memory is its own. Figures are
wall-clock seconds on this machine; targets come from the issues and are printed beside
them. Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITES = {
    "import": HERE / "bench_import.py",
    "coding": HERE / "bench_coding.py",
    "themes": HERE / "bench_themes.py",
    "search": HERE / "bench_search.py",
    "export": HERE / "bench_export.py",
    "suggest": HERE / "bench_suggest.py",
}


def run_suite(name: str, quick: bool, workdir: Path) -> dict[str, float]:
    """Run one benchmark script in a subprocess and return its JSON metrics."""
    script = SUITES[name]
    if not script.exists():
        return {}
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=str(HERE.parent))
    cmd = [sys.executable, str(script), "--json", "--workdir", str(workdir)]
    if quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the chosen benchmark suites and print their metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", help="comma-separated suites: " + ",".join(SUITES))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SUITES)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        for name in names:
            metrics = run_suite(name, args.quick, Path(tmp) / name)
            results.update({f"{name}.{k}": v for k, v in metrics.items()})
            if not args.json:
                for key, value in metrics.items():
                    print(f"{name}.{key:40s} {value:10.3f}")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
