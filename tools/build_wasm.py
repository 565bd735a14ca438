#!/usr/bin/env python3
"""Builds the wasm modules into www/pkg as wasm-pack.toml says, then the offline single file."""
import os
import pathlib
import shutil
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(*cmd):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)


def main():
    settings = tomllib.loads((ROOT / "wasm-pack.toml").read_text())
    cargo, bindgen, opt = settings["cargo"], settings["bindgen"], settings["wasm-opt"]
    target_dir = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    artifact = target_dir / cargo["target"] / cargo["profile"] / (cargo["package"].replace("-", "_") + ".wasm")
    out_dir = ROOT / bindgen["out-dir"]
    shutil.rmtree(out_dir, ignore_errors=True)
    # One after the other: both cargo builds write the same artifact.
    for name, module in settings["modules"].items():
        features = ["--features", ",".join(module["features"])] if module["features"] else []
        defaults = [] if module.get("default-features", True) else ["--no-default-features"]
        run("cargo", "build", "--package", cargo["package"], "--target", cargo["target"], "--profile", cargo["profile"], *defaults, *features)
        run("wasm-bindgen", "--target", bindgen["target"], "--out-dir", out_dir, "--out-name", module["out-name"], artifact)
        if opt["enabled"]:
            wasm = out_dir / (module["out-name"] + "_bg.wasm")
            wasm_opt = ROOT / "e2e" / "node_modules" / ".bin" / "wasm-opt"
            run(wasm_opt, *opt["flags"], wasm, "-o", wasm)
    print(f"built {out_dir.relative_to(ROOT)}: " + ", ".join(f"{p.name} {p.stat().st_size:,} B" for p in sorted(out_dir.iterdir())))
    run(sys.executable, ROOT / "tools" / "build_single_file.py")


if __name__ == "__main__":
    sys.exit(main())
