#!/usr/bin/env python3
"""`make package`: the npm package dist/cert-studio-<version>.tgz (npm pack) from
package/ (package.json template, the command, the Node entries, README) and the
wasm modules with their TypeScript types that `make build` wrote to www/pkg.

The same commit gives the same tarball: npm pack fixes every entry's time and
owner but keeps file modes, so the staged files get modes of their own (the
checkout's umask does not reach the tarball). Its README names the version and
the commit it was built from."""
import json
import pathlib
import re
import shutil
import subprocess
import sys

import source_info

ROOT = source_info.ROOT
# What the package ships of www/pkg: both modules, their JS glue and types.
PKG_FILES = [f"{module}{suffix}" for module in ("cert_studio", "cert_studio_ca") for suffix in (".js", "_bg.wasm", ".d.ts", "_bg.wasm.d.ts")]
# The page's modules the command runs too (one orchestration of chunks for both), into lib/shared/.
SHARED_FILES = ["www/js/make/chunks.js"]


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


# The names wasm-bindgen's declarations take from the DOM (or from @types/node):
# each as the global's own type where the project has it, and otherwise what
# the code accepts, so the declarations compile with lib es2022 alone, with
# @types/node, or with the DOM (`typeof globalThis` is the user's program's).
GLOBALS = """
/** The DOM's or Node's types of the globals the loader takes, where the project has them. */
type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer T } } ? T : object;
type WasmMemory = typeof globalThis extends { WebAssembly: { Memory: abstract new (...args: never[]) => infer T } } ? T : { readonly buffer: ArrayBuffer };
type WasmTable = typeof globalThis extends { WebAssembly: { Table: abstract new (...args: never[]) => infer T } } ? T : object;
type FetchRequest = typeof globalThis extends { Request: abstract new (...args: never[]) => infer T } ? T : never;
type FetchResponse = typeof globalThis extends { Response: abstract new (...args: never[]) => infer T } ? T : never;
type WebUrl = typeof globalThis extends { URL: abstract new (...args: never[]) => infer T } ? T : never;
/** The bytes of the wasm, as the DOM's BufferSource is defined. */
type WasmBytes = ArrayBufferView | ArrayBuffer;

declare global {
  interface SymbolConstructor {
    /** What `using` calls (declared the same way by TypeScript's esnext.disposable lib and by @types/node). */
    readonly dispose: unique symbol;
  }
}
"""

DOM_NAMES = [
    ("RequestInfo | URL | Response | BufferSource | WebAssembly.Module", "FetchRequest | string | WebUrl | FetchResponse | WasmBytes | WasmModule"),
    ("BufferSource | WebAssembly.Module", "WasmBytes | WasmModule"),
    ("WebAssembly.Memory", "WasmMemory"),
    ("WebAssembly.Table", "WasmTable"),
]


def without_dom(text):
    """The declarations without the DOM's names, so a Node project (lib es2022,
    @types/node) compiles them as well as a browser project (lib dom)."""
    for dom, own in DOM_NAMES:
        text = text.replace(dom, own)
    code = [line for line in text.splitlines() if not line.lstrip().startswith(("*", "/*", "//"))]
    left = [line for line in code if re.search(r"\b(RequestInfo|BufferSource|Response|URL|WebAssembly)\b", line)]
    if left:
        sys.exit("the .d.ts still names DOM types (has wasm-bindgen changed?):\n" + "\n".join(left))
    return text + GLOBALS


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
    (staging / "lib" / "shared").mkdir()
    for name in SHARED_FILES:
        shutil.copy2(ROOT / name, staging / "lib" / "shared" / pathlib.Path(name).name)
    (staging / "pkg").mkdir()
    for name in PKG_FILES:
        shutil.copy2(built / name, staging / "pkg" / name)
    for types in (staging / "pkg").glob("*.d.ts"):
        types.write_text(without_dom(without_any(types.read_text(encoding="utf-8"))), encoding="utf-8")
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
