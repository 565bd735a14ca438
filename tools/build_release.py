#!/usr/bin/env python3
"""`make release` (after `make build` and `make package`): dist/ holds what a
version publishes, the offline file and the npm package, and their SHA-256 in
dist/SHA256SUMS (sha256sum format). The same commit rebuilds the same bytes
anywhere, so anyone can check a published file (README, "Check a release")."""
import hashlib
import json
import shutil
import sys
import tomllib

import source_info

ROOT = source_info.ROOT


def main():
    settings = tomllib.loads((ROOT / "wasm-pack.toml").read_text())
    offline = ROOT / settings["offline"]["out-file"]
    version, commit = source_info.version(), source_info.commit()
    package = json.loads((ROOT / "package" / "package.json").read_text(encoding="utf-8"))["name"]
    dist = ROOT / "dist"
    tarball = dist / f"{package}-{version}.tgz"
    if not offline.exists() or not tarball.exists():
        sys.exit(f"{offline.relative_to(ROOT)} or {tarball.relative_to(ROOT)} is missing: run `make build` and `make package` first")
    shutil.copyfile(offline, dist / offline.name)
    sums = "".join(f"{hashlib.sha256((dist / name).read_bytes()).hexdigest()}  {name}\n" for name in sorted([offline.name, tarball.name]))
    (dist / "SHA256SUMS").write_text(sums)
    print(f"dist/SHA256SUMS of cert-studio {version}, commit {commit}:\n{sums}", end="")
    if commit.endswith("-dirty"):
        print("note: the tree differs from its commit, so these files say -dirty and match no published release")


if __name__ == "__main__":
    main()
