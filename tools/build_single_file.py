#!/usr/bin/env python3
"""Writes the offline studio: www/cert-studio-offline.html, one self-contained
file (the page, its styles, its scripts, the worker and the wasm), and its
SHA-256 in www/cert-studio-offline.html.sha256 (sha256sum format). First it
writes www/pkg/build-info.js, the version and commit the page shows (the
served page imports it; the offline file has it bundled).

The scripts are the served page's own modules, bundled by esbuild, with one
swap: js/runtime/runtime.js (module workers, fetched wasm) becomes
js/runtime/runtime-offline.js (a classic worker from a Blob URL, the wasm from the
page), because file:// pages may neither fetch nor start module workers.
Of the two wasm modules it embeds the one wasm-pack.toml's [offline] names
(the CA panel's, which has every binding), for both worker pools.
Run after tools/build_wasm.py; it reads www/ and www/pkg/. The same commit
gives the same bytes, whatever the folder it is built in.
"""
import base64
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

import source_info

ROOT = source_info.ROOT
WWW = ROOT / "www"
ESBUILD = ROOT / "e2e" / "node_modules" / ".bin" / "esbuild"
# In www/pkg beside the modules (the build's own folder, not a tracked one).
BUILD_INFO = "build-info.js"


def csp_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def bundle(folder, entry, out):
    # Run in the staging folder with relative paths: esbuild's comments name
    # each module by its path from there, never by the temporary folder's name.
    subprocess.run(
        [ESBUILD, entry, "--bundle", "--format=iife", "--target=es2022", "--charset=utf8", "--log-level=error", f"--outfile={out}"],
        cwd=folder, check=True,
    )
    return (folder / out).read_text(encoding="utf-8")


def inline_safe(code, what):
    # An inline <script> or <style> ends at the first "</script" or "</style".
    if re.search(r"</(script|style)", code, re.IGNORECASE):
        sys.exit(f"{what} contains a closing tag and cannot be inlined")
    return code


def replace_once(html, old, new):
    if html.count(old) != 1:
        sys.exit(f"www/index.html: expected exactly one {old!r}")
    return html.replace(old, new)


def write_build_info(pkg):
    (pkg / BUILD_INFO).write_text(
        "// Written by tools/build_single_file.py: the source this build comes from.\n"
        f"export const BUILD = {json.dumps({'version': source_info.version(), 'commit': source_info.commit()})};\n",
        encoding="utf-8",
    )


def main():
    settings = tomllib.loads((ROOT / "wasm-pack.toml").read_text())
    offline = settings["offline"]
    pkg = ROOT / settings["bindgen"]["out-dir"]
    write_build_info(pkg)
    # One module, the one with every binding: worker.js picks its glue from it.
    wasm = pkg / (settings["modules"][offline["module"]]["out-name"] + "_bg.wasm")

    with tempfile.TemporaryDirectory(prefix="studio-offline-") as tmp:
        tmp = pathlib.Path(tmp)
        shutil.copytree(WWW / "js", tmp / "js")
        shutil.copytree(pkg, tmp / "pkg")
        runtime = tmp / "js" / "runtime"
        worker = inline_safe(bundle(tmp, "js/runtime/worker.js", "worker.bundle.js"), "the worker bundle")
        (runtime / "offline-data.js").write_text(
            "export const WORKER_SOURCE = " + json.dumps(worker) + ";\n"
            + "export const WASM_BASE64 = " + json.dumps(base64.b64encode(wasm.read_bytes()).decode()) + ";\n",
            encoding="utf-8",
        )
        shutil.copyfile(runtime / "runtime-offline.js", runtime / "runtime.js")
        app = inline_safe(bundle(tmp, "js/app.js", "app.bundle.js"), "the page bundle")

    style = inline_safe((WWW / "style.css").read_text(encoding="utf-8"), "style.css")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {csp_hash(app)} 'wasm-unsafe-eval'",
        "worker-src blob:",
        "connect-src 'none'",
        f"style-src {csp_hash(style)}",
        "img-src data: blob:",
        "base-uri 'none'",
        "form-action 'none'",
    ])

    html = (WWW / "index.html").read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">',
                  lambda _: f'<meta http-equiv="Content-Security-Policy" content="{csp}">', html, count=1)
    if csp not in html:
        sys.exit("www/index.html: no Content-Security-Policy meta to replace")
    html = replace_once(html, '<link rel="stylesheet" href="style.css">', f"<style>{style}</style>")
    html = replace_once(html, '<script type="module" src="js/app.js"></script>', f'<script type="module">{app}</script>')
    # The file does not offer to save itself.
    html, removed = re.subn(r"\s*<!-- offline-save -->.*?<!-- /offline-save -->", "", html, count=1, flags=re.DOTALL)
    if removed != 1:
        sys.exit("www/index.html: no <!-- offline-save --> block to drop")

    out = ROOT / offline["out-file"]
    out.write_text(html, encoding="utf-8")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    (out.parent / (out.name + ".sha256")).write_text(f"{digest}  {out.name}\n")
    print(f"built {out.relative_to(ROOT)}: {out.stat().st_size:,} B, sha256 {digest}")


if __name__ == "__main__":
    sys.exit(main())
