#!/usr/bin/env python3
"""`make package`: the npm package dist/cert-studio-<version>.tgz (npm pack) from
package/ (package.json template, the command, the Node entries, README) and the
wasm modules with their TypeScript types that `make build` wrote to www/pkg.

The same commit gives the same tarball: npm pack fixes every entry's time and
owner but keeps file modes, so the staged files get modes of their own (the
checkout's umask does not reach the tarball). Its README names the version and
the commit it was built from."""
import json
import re
import shutil
import subprocess
import sys

import source_info

ROOT = source_info.ROOT
# What the package ships of www/pkg: both modules, their JS glue and types.
PKG_FILES = [f"{module}{suffix}" for module in ("cert_studio", "cert_studio_ca") for suffix in (".js", "_bg.wasm", ".d.ts", "_bg.wasm.d.ts")]


def without_any(text):
    """The raw wasm exports wasm-bindgen lists (InitOutput, `_bg.wasm.d.ts`) take
    `any` for values it passes through untouched; `unknown` says the same
    without switching type checks off. Every public function is typed in
    crate/src/binding/types.rs."""
    return re.sub(r"(:\s*)any\b", r"\1unknown", text)


def with_build_line(readme, version, commit):
    """The README with, under its title, the version and the commit the package was built from."""
    title, rest = readme.split("\n", 1)
    return f"{title}\n\n`cert-studio` {version}, built from commit `{commit}` of the certificate studio.\n{rest}"


def main():
    version = source_info.version()
    built = ROOT / "www" / "pkg"
    missing = [name for name in PKG_FILES if not (built / name).exists()]
    if missing:
        sys.exit(f"www/pkg lacks {', '.join(missing)}: run `make build` first")
    staging = ROOT / "target" / "package"
    shutil.rmtree(staging, ignore_errors=True)
    source = ROOT / "package"
    shutil.copytree(source, staging, ignore=shutil.ignore_patterns("package.json"))
    manifest = json.loads((source / "package.json").read_text(encoding="utf-8"))
    manifest["version"] = version
    (staging / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    readme = staging / "README.md"
    readme.write_text(with_build_line(readme.read_text(encoding="utf-8"), version, source_info.commit()), encoding="utf-8")
    (staging / "pkg").mkdir()
    for name in PKG_FILES:
        shutil.copy2(built / name, staging / "pkg" / name)
    for types in (staging / "pkg").glob("*.d.ts"):
        types.write_text(without_any(types.read_text(encoding="utf-8")), encoding="utf-8")
    for path in [staging, *staging.rglob("*")]:
        executable = path.is_dir() or path.stat().st_mode & 0o100
        path.chmod(0o755 if executable else 0o644)
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    subprocess.run(["npm", "pack", "--loglevel=warn", "--pack-destination", str(dist)], cwd=staging, check=True, stdout=subprocess.DEVNULL)
    tarball = dist / f"{manifest['name']}-{version}.tgz"
    print(f"wrote {tarball.relative_to(ROOT)} ({tarball.stat().st_size:,} B)")


if __name__ == "__main__":
    main()
