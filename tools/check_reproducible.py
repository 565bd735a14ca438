#!/usr/bin/env python3
"""Builds the release files twice, from two copies of this tree at different
paths, and compares their bytes: the same commit must give the same files.

The copies differ in what must not matter: their folder (one with spaces), the
temporary folder, the umask (0022 and 0077, as a checkout would have), the time
zone and the time. Each is committed to a git repository of its own with a
fixed author and date, so both hold the same commit id and the files name it.

Quick form (`make test`, seconds; needs `make build`): both copies take this
tree's wasm modules (www/pkg) and run the steps after the wasm, the offline
file (with www/pkg/build-info.js) and the npm package. Checked:
  - the two offline files, their .sha256, build-info.js and the tarballs are
    byte-identical;
  - they name the copies' commit (the offline file and the package README),
    and a tree with a change says `-dirty`;
  - this tree's wasm modules hold no absolute path of this machine (the
    crate's sources, the target folder, $CARGO_HOME's registry and git
    sources), and every dependency source path in them is the remapped
    /cargo-home/.
Full form (`--full`, `make check-reproducible`, minutes): each copy also builds
its wasm with cargo in a target folder of its own, then `make release`'s steps;
every file of dist/ and www/pkg/ is compared, and each copy's wasm is checked
for its own paths. The target folders start from this tree's wasm dependencies
(target/release, target/wasm32-unknown-unknown) when there are any, to save
their compile time: the crate itself always rebuilds in each copy.
"""
import argparse
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib

import source_info

ROOT = source_info.ROOT
# The copies' commit: the same tree with these gives the same commit id.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "reproducibility check", "GIT_AUTHOR_EMAIL": "check@localhost", "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_NAME": "reproducibility check", "GIT_COMMITTER_EMAIL": "check@localhost", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


def git(folder, *args):
    command = ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-C", str(folder), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ, **GIT_IDENTITY}).stdout.strip()


def tree_files():
    """The files of this tree as a checkout holds them: tracked and not ignored."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    return sorted({name for name in listed if name and os.path.lexists(ROOT / name)})


def make_copy(dest, umask):
    for name in tree_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name, follow_symlinks=False)
        if not (dest / name).is_symlink():
            (dest / name).chmod((ROOT / name).stat().st_mode & 0o777 & ~umask)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "--no-verify", "-m", "reproducibility check")
    # The build's npm tools, shared (e2e/node_modules is the build's own, not the tree's).
    (dest / ".git" / "info").mkdir(exist_ok=True)
    (dest / ".git" / "info" / "exclude").write_text("/e2e/node_modules\n")
    (dest / "e2e" / "node_modules").symlink_to(ROOT / "e2e" / "node_modules")


def build(copy, variant, steps, target_dir):
    env = {**os.environ, "TMPDIR": str(variant["tmp"]), "TZ": variant["tz"], "CARGO_TARGET_DIR": str(target_dir)}
    variant["tmp"].mkdir(parents=True)
    for step in steps:
        print(f"[{copy}] {step}", flush=True)
        subprocess.run([sys.executable, copy / "tools" / step], cwd=copy, env=env, check=True,
                       stdout=subprocess.DEVNULL, preexec_fn=lambda: os.umask(variant["umask"]))


def machine_paths(root, target_dir):
    """Where the build machine keeps what the wasm is made from: the crate's
    sources, the target folder (generated code), the dependencies' sources.
    Several folders deep, so that a short checkout path (/src) is not found
    inside an unrelated string."""
    cargo_home = pathlib.Path(os.environ.get("CARGO_HOME") or pathlib.Path.home() / ".cargo")
    paths = {root / "crate", target_dir}
    for home in (cargo_home, cargo_home.resolve()):
        paths.update({home / "registry", home / "git"})
    return sorted(str(path).encode() for path in paths)


def wasm_path_problems(pkg, root, target_dir):
    problems = []
    for wasm in sorted(pkg.glob("*.wasm")):
        data = wasm.read_bytes()
        problems += [f"{wasm.name} holds {path.decode()}" for path in machine_paths(root, target_dir) if path + b"/" in data]
        # A dependency's panic location: $CARGO_HOME/registry/src/..., remapped or not.
        start = data.find(b"/registry/src/")
        if start < 0:
            problems.append(f"{wasm.name} holds no dependency source path at all: is the check looking at the right thing?")
        while start >= 0:
            if not data[:start].endswith(b"/cargo-home"):
                problems.append(f"{wasm.name} holds a dependency path not remapped: {data[max(0, start - 40):start + 40]!r}")
                break
            start = data.find(b"/registry/src/", start + 1)
    return problems


def build_commit(copy):
    text = (copy / "www" / "pkg" / "build-info.js").read_text(encoding="utf-8")
    return json.loads(text.split("export const BUILD = ", 1)[1].rstrip().rstrip(";"))["commit"]


def commit_problems(copy, version):
    problems = []
    head = git(copy, "rev-parse", "HEAD")
    if build_commit(copy) != head:
        problems.append(f"build-info.js names commit {build_commit(copy)}, the copy is at {head}")
    if f'"{head}"' not in (copy / "www" / "cert-studio-offline.html").read_text(encoding="utf-8"):
        problems.append(f"the offline file does not name commit {head}")
    with tarfile.open(copy / "dist" / f"cert-studio-{version}.tgz") as tar:
        readme = tar.extractfile("package/README.md").read().decode()
    if f"built from commit `{head}`" not in readme:
        problems.append(f"the package README does not name commit {head}")
    (copy / "a-change").write_text("not committed\n")
    said = subprocess.run([sys.executable, copy / "tools" / "source_info.py"], check=True, capture_output=True, text=True).stdout.strip()
    (copy / "a-change").unlink()
    if not said.endswith(f"commit {head}-dirty"):
        problems.append(f"a tree with an uncommitted file says {said!r}, not {head}-dirty")
    return problems


def compared_files(copy, full):
    if full:
        return sorted(str(p.relative_to(copy)) for folder in ("dist", "www/pkg") for p in (copy / folder).rglob("*") if p.is_file()) + [
            "www/cert-studio-offline.html", "www/cert-studio-offline.html.sha256"]
    return ["www/cert-studio-offline.html", "www/cert-studio-offline.html.sha256", "www/pkg/build-info.js", f"dist/cert-studio-{source_info.version()}.tgz"]


def seed_target(target_dir):
    """This tree's wasm dependencies, to spare their compile time (see the top)."""
    target_dir.mkdir(parents=True)
    for part in ("release", "wasm32-unknown-unknown"):
        if (ROOT / "target" / part).is_dir():
            subprocess.run(["cp", "-a", ROOT / "target" / part, target_dir / part], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="build the wasm too, in each copy (minutes)")
    full = parser.parse_args().full
    version = source_info.version()
    problems = []
    if not full:
        problems += wasm_path_problems(ROOT / "www" / "pkg", ROOT, pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")))
    with tempfile.TemporaryDirectory(prefix="reproducible-") as scratch:
        scratch = pathlib.Path(scratch)
        variants = [
            {"path": scratch / "a" / "cert-studio", "tmp": scratch / "tmp-a", "umask": 0o022, "tz": "UTC"},
            {"path": scratch / "b" / "somewhere else" / "cert studio", "tmp": scratch / "tmp b", "umask": 0o077, "tz": "Pacific/Kiritimati"},
        ]
        # Both copies first: a file edited during the builds must not split them.
        for variant in variants:
            make_copy(variant["path"], variant["umask"])
        for variant in variants:
            copy, target_dir = variant["path"], variant["path"] / "target"
            if full:
                seed_target(target_dir)
                build(copy, variant, ["build_wasm.py", "build_package.py", "build_release.py"], target_dir)
                problems += [f"copy {copy}: {p}" for p in wasm_path_problems(copy / "www" / "pkg", copy, target_dir)]
            else:
                (copy / "www" / "pkg").mkdir(parents=True)
                for module in (ROOT / "www" / "pkg").iterdir():
                    if module.name != "build-info.js":
                        shutil.copy2(module, copy / "www" / "pkg" / module.name)
                build(copy, variant, ["build_single_file.py", "build_package.py"], target_dir)
            problems += [f"copy {copy}: {p}" for p in commit_problems(copy, version)]
        first, second = (variant["path"] for variant in variants)
        names = compared_files(first, full)
        if names != compared_files(second, full):
            problems.append(f"the copies wrote different files: {names} and {compared_files(second, full)}")
        for name in names:
            digests = [hashlib.sha256((copy / name).read_bytes()).hexdigest() for copy in (first, second)]
            print(f"{'same' if digests[0] == digests[1] else 'DIFFERENT'}  {digests[0]}  {name}")
            if digests[0] != digests[1]:
                problems.append(f"{name} differs between the copies ({digests[0]} and {digests[1]})")
    if problems:
        sys.exit("not reproducible:\n  " + "\n  ".join(problems))
    print(f"reproducible ({'full' if full else 'quick'}): {len(names)} files byte-identical from two copies at different paths")


if __name__ == "__main__":
    main()
