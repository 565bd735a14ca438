#!/usr/bin/env python3
"""Builds the wasm modules into www/pkg as wasm-pack.toml says, then the offline single file.

The same commit gives the same bytes wherever it is checked out: no panic
location names the build machine's folders. The dependencies' sources sit
under $CARGO_HOME, remapped for every wasm unit (RUSTFLAGS, the same for any
checkout, so a new checkout reuses a target folder's dependencies); the
workspace is remapped for the crate alone (cargo rustc's own flags).

A rebuild with nothing changed takes seconds. The two modules are one crate
built with two feature sets, and cargo keeps one record of it (a cdylib's
name has no hash), so cargo alone would compile the crate again for each
module on every build. A stamp per module in the target folder holds the
hash of cargo's inputs (the crate's sources and manifests, Cargo.lock, the
toolchain file and rustc's version, cargo's config files, flags and
environment), of cargo's .wasm, of the recipe after it (the module's
settings, the tools' versions, this script) and of the files written to
www/pkg. With the same inputs and intact files, the module is not built at
all; with the same .wasm, wasm-bindgen and wasm-opt (--converge, about half a
minute a module) are not run again.
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tomllib

import build_single_file
import source_info

ROOT = source_info.ROOT
WASM_OPT = ROOT / "e2e" / "node_modules" / ".bin" / "wasm-opt"


def run(*cmd, env=None):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)


def tool_version(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wasm_cargo_env():
    """cargo's environment for the wasm build: $CARGO_HOME remapped, as the
    wasm target's flags (CARGO_ENCODED_RUSTFLAGS: a folder may hold spaces).
    With --target they reach neither build scripts nor proc macros, and
    native builds (cargo test) never see them, so their caches stay valid."""
    cargo_home = pathlib.Path(os.environ.get("CARGO_HOME") or pathlib.Path.home() / ".cargo").resolve()
    env = dict(os.environ)
    if env.pop("RUSTFLAGS", None):
        print("note: RUSTFLAGS is ignored by the wasm build (its flags are fixed here)", flush=True)
    env["CARGO_ENCODED_RUSTFLAGS"] = f"--remap-path-prefix={cargo_home}=/cargo-home"
    return env


def hash_of(*parts):
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True).encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def cargo_inputs(command, env):
    """The hash of what cargo reads for the crate's wasm; the dependencies'
    sources are fixed by Cargo.lock (their checksums)."""
    files = [ROOT / "Cargo.toml", ROOT / "Cargo.lock", ROOT / "rust-toolchain.toml", ROOT / "crate" / "Cargo.toml"]
    files += sorted(path for path in (ROOT / "crate" / "src").rglob("*") if path.is_file())
    cargo_home = pathlib.Path(env.get("CARGO_HOME") or pathlib.Path.home() / ".cargo")
    files += [folder / ".cargo" / name for folder in [ROOT, *ROOT.parents] for name in ("config", "config.toml")]
    files += [cargo_home / name for name in ("config", "config.toml")]
    contents = [[str(path), sha256(path)] for path in files if path.is_file()]
    settings = {key: value for key, value in env.items()
                if key.startswith(("CARGO", "RUSTC", "RUSTUP_TOOLCHAIN")) and key != "CARGO_BUILD_JOBS" and not key.startswith("CARGO_TERM_")}
    return hash_of([str(part) for part in command], settings, tool_version("rustc", "-vV"), contents)


def recorded(stamp, out_dir):
    """The stamp's record, if the files it lists are in out_dir as it wrote them."""
    if not stamp.exists():
        return None
    record = json.loads(stamp.read_text())
    intact = all((out_dir / name).is_file() and sha256(out_dir / name) == digest for name, digest in record["outputs"].items())
    return record if intact else None


def bindgen_and_optimise(artifact, module, settings, staging, out_dir):
    """wasm-bindgen and wasm-opt in a fresh folder, then its files into out_dir; returns their names."""
    bindgen, opt = settings["bindgen"], settings["wasm-opt"]
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    run("wasm-bindgen", "--target", bindgen["target"], "--out-dir", staging, "--out-name", module["out-name"], artifact)
    if opt["enabled"]:
        wasm = staging / (module["out-name"] + "_bg.wasm")
        run(WASM_OPT, *opt["flags"], wasm, "-o", wasm)
    names = sorted(str(path.relative_to(staging)) for path in staging.rglob("*") if path.is_file())
    for name in names:
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(staging / name, out_dir / name)
    return names


def main():
    settings = tomllib.loads((ROOT / "wasm-pack.toml").read_text())
    cargo = settings["cargo"]
    target_dir = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")).resolve()
    artifact = target_dir / cargo["target"] / cargo["profile"] / (cargo["package"].replace("-", "_") + ".wasm")
    out_dir = ROOT / settings["bindgen"]["out-dir"]
    out_dir.mkdir(parents=True, exist_ok=True)
    env = wasm_cargo_env()
    tools = {"wasm-bindgen": tool_version("wasm-bindgen", "--version")}
    if settings["wasm-opt"]["enabled"]:
        tools["wasm-opt"] = tool_version(WASM_OPT, "--version")
    kept = {build_single_file.BUILD_INFO}
    # One after the other: both cargo builds write the same artifact.
    for name, module in settings["modules"].items():
        features = ["--features", ",".join(module["features"])] if module["features"] else []
        defaults = [] if module.get("default-features", True) else ["--no-default-features"]
        command = ["cargo", "rustc", "--package", cargo["package"], "--lib", "--target", cargo["target"], "--profile", cargo["profile"],
                   *defaults, *features, "--", f"--remap-path-prefix={ROOT}=/cert-studio"]
        stamp = target_dir / "wasm-stamps" / f"{name}.json"
        record = recorded(stamp, out_dir)
        recipe = hash_of(module, settings["bindgen"], settings["wasm-opt"], tools, sha256(pathlib.Path(__file__)))
        sources = cargo_inputs(command, env)
        # A stamp of an older script lacks some keys: .get, and it just does not match.
        if record and record.get("cargo") == sources and record.get("recipe") == recipe:
            print(f"{module['out-name']}: its sources, settings and tools are unchanged; {out_dir.relative_to(ROOT)} kept", flush=True)
        else:
            run(*command, env=env)
            wasm = sha256(artifact)
            if record and record.get("wasm") == wasm and record.get("recipe") == recipe:
                print(f"{module['out-name']}: cargo made the same .wasm; {out_dir.relative_to(ROOT)} kept", flush=True)
                outputs = record["outputs"]
            else:
                names = bindgen_and_optimise(artifact, module, settings, target_dir / "wasm-bindgen" / name, out_dir)
                outputs = {n: sha256(out_dir / n) for n in names}
            record = {"cargo": sources, "wasm": wasm, "recipe": recipe, "outputs": outputs}
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(json.dumps(record, indent=1) + "\n")
        kept.update(record["outputs"])
    # What no module wrote this time (a renamed module's files) goes.
    for path in sorted(out_dir.rglob("*"), reverse=True):
        if path.is_file() and str(path.relative_to(out_dir)) not in kept:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    print(f"built {out_dir.relative_to(ROOT)}: " + ", ".join(f"{p.name} {p.stat().st_size:,} B" for p in sorted(out_dir.iterdir())))
    build_single_file.main()


if __name__ == "__main__":
    sys.exit(main())
