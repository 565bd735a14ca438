"""Which source a build comes from: the crate's version and the git commit.

Both go into what the build writes (the page's build line, the offline file,
the package README), so a file says which commit to check it against. A tree
that differs from its commit (changed or untracked files) is `<commit>-dirty`;
a tree with no .git (an unpacked source archive) is `unknown`.
"""
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def version():
    return tomllib.loads((ROOT / "crate" / "Cargo.toml").read_text())["package"]["version"]


def _git(*args):
    result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    if result.returncode != 0:
        # A checkout git refuses (another user's clone: "dubious ownership") must
        # not pass for an unknown commit: the build would say less than it is.
        sys.exit(f"git {' '.join(args)} failed in {ROOT}: {result.stderr.strip()}")
    return result.stdout.strip()


def commit():
    if not (ROOT / ".git").exists():
        return "unknown"
    head = _git("rev-parse", "HEAD")
    return head + "-dirty" if _git("status", "--porcelain") else head


def describe():
    return f"cert-studio {version()}, commit {commit()}"


if __name__ == "__main__":
    print(describe())
