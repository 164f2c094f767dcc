"""Read the files of the Nezha repository from a checkout or from a bare git directory.

A copy of the repository may lack some blobs (the copy on this machine lacks every file of 4 MiB or
more): such a file is *listed* (its path is in the tree) but *absent*. `read` returns None for it and
`state` says which of the two it is, so the converter can report lost data instead of guessing.
"""
import os
import subprocess


class SourceError(Exception):
    """The source cannot be read at all (not a checkout, not a git directory, git failed)."""


class Source:
    """Files of one copy of IntelligentDDS/Nezha, by repository-relative path ("rca_data/...")."""

    def __init__(self, path):
        self.path = path
        self._git = None
        self._tree = {}  # path -> object id (git) or None (directory)
        if os.path.isdir(os.path.join(path, "rca_data")):
            for root, _, files in os.walk(path):
                if os.path.basename(root) == ".git" or "/.git/" in root + "/":
                    continue
                for name in files:
                    full = os.path.join(root, name)
                    self._tree[os.path.relpath(full, path)] = None
        elif os.path.isfile(os.path.join(path, "HEAD")) and os.path.isdir(os.path.join(path, "objects")):
            self._git = path
            listing = self._run(["ls-tree", "-r", "-z", "HEAD"])
            for entry in listing.split(b"\0"):
                if not entry:
                    continue
                meta, name = entry.split(b"\t", 1)
                parts = meta.split()
                if parts[1] == b"blob":
                    self._tree[name.decode()] = parts[2].decode()
            self._present = self._present_objects()
        else:
            raise SourceError(
                f"{path}: neither a checkout of IntelligentDDS/Nezha (no rca_data/) nor a git directory "
                "(no HEAD and objects/); give --source the repository's directory")
        if not any(name.startswith("rca_data/") for name in self._tree):
            raise SourceError(f"{path}: has no rca_data/ files; is it a copy of IntelligentDDS/Nezha?")

    def _run(self, arguments, stdin=None):
        try:
            done = subprocess.run(["git", "-C", self._git] + arguments, input=stdin, capture_output=True, check=False)
        except FileNotFoundError as error:
            raise SourceError("git is needed to read a bare git directory: install git or give a checkout") from error
        if done.returncode != 0:
            raise SourceError(f"git {' '.join(arguments)} failed in {self._git}: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout

    def _present_objects(self):
        """Object ids whose content is in this copy (one `cat-file --batch-check` for the whole tree)."""
        ids = sorted(set(self._tree.values()))
        answer = self._run(["cat-file", "--batch-check"], stdin=("\n".join(ids) + "\n").encode())
        return {line.split()[0].decode() for line in answer.splitlines() if not line.endswith(b" missing")}

    def listdir(self, directory):
        """Names of the files listed directly under `directory` (present or not), sorted."""
        prefix = directory.rstrip("/") + "/"
        return sorted(name[len(prefix):] for name in self._tree if name.startswith(prefix) and "/" not in name[len(prefix):])

    def state(self, path):
        """'present', 'absent' (listed in the tree, content not in this copy) or 'unlisted'."""
        if path not in self._tree:
            return "unlisted"
        if self._git is None:
            return "present"
        return "present" if self._tree[path] in self._present else "absent"

    def read(self, path):
        """The file's bytes, or None when it is absent or unlisted."""
        if self.state(path) != "present":
            return None
        if self._git is None:
            with open(os.path.join(self.path, path), "rb") as handle:
                return handle.read()
        return self._run(["cat-file", "blob", self._tree[path]])

    def text(self, path):
        """The file decoded as UTF-8 (invalid bytes replaced), or None."""
        data = self.read(path)
        return None if data is None else data.decode("utf-8", errors="replace")
