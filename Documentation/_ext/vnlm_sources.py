# SPDX-License-Identifier: GPL-2.0-only
"""Render documentation from the sources it describes, never a copy:

  .. vnlm-kernel-doc:: include/vnet-link-mirror/shm.h
  .. vnlm-sysfs-abi:: driver/sysfs-driver-vnet-link-mirror

The first runs the kernel's scripts/kernel-doc (-rst) on a file of the
repository; the script is the one of the kernel the module is built against
(VNLM_KERNEL_DOC, else $KHEADERS/scripts/kernel-doc from .cache/kernel.env,
else /usr/lib/linux-kbuild-*/scripts/kernel-doc).  The second reads the
kernel's Documentation/ABI format (What:, Date:, KernelVersion:, Contact:,
Description:) and makes one section per attribute.  Any kernel-doc warning
is a Sphinx warning, so `make check` (sphinx-build -W) fails on it.
"""
import glob
import os
import re
import subprocess

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.nodes import nested_parse_with_titles

LOG = logging.getLogger(__name__)
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def kernel_doc_script():
    if os.environ.get("VNLM_KERNEL_DOC"):
        return os.environ["VNLM_KERNEL_DOC"]
    env = os.path.join(os.environ.get("CACHE", os.path.join(TOP, ".cache")), "kernel.env")
    if os.path.exists(env):
        with open(env) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k == "KHEADERS" and os.path.exists(os.path.join(v, "scripts", "kernel-doc")):
                    return os.path.join(v, "scripts", "kernel-doc")
    found = sorted(glob.glob("/usr/lib/linux-kbuild-*/scripts/kernel-doc"))
    if found:
        return found[-1]
    raise RuntimeError("no scripts/kernel-doc: run `make deps` (linux-kbuild) or set VNLM_KERNEL_DOC")


class _FromSource(Directive):
    required_arguments = 1
    has_content = False

    def source_path(self):
        path = os.path.join(TOP, self.arguments[0])
        env = self.state.document.settings.env
        env.note_dependency(path)
        if not os.path.exists(path):
            raise self.error(f"{self.arguments[0]}: no such file in the repository")
        return path

    def parse(self, lines, path=None, where=None):
        """Parse generated reST; @where: each line's line number in @path."""
        content = StringList()
        for i, line in enumerate(lines):
            content.append(line, path or self.arguments[0], where[i] if where else i)
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, content, node)
        return node.children


class KernelDoc(_FromSource):
    """kernel-doc -rst of one file of the repository."""

    def run(self):
        path = self.source_path()
        import sphinx
        cmd = ["perl", kernel_doc_script(), "-rst", "-enable-lineno",
               "-sphinx-version", sphinx.__version__, path]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in r.stderr.splitlines():
            LOG.warning("kernel-doc: %s", line, location=(self.state.document.current_source,
                                                           self.lineno))
        if r.returncode:
            raise self.error(f"kernel-doc failed on {self.arguments[0]} ({r.returncode})")
        # -enable-lineno marks each block with ".. LINENO n": the lines that
        # follow are reported at line n of the header, not of the .rst.
        lines, where, lineno = [], [], 0
        for line in r.stdout.splitlines():
            m = re.match(r"^\.\. LINENO (\d+)$", line)
            if m:
                lineno = int(m.group(1)) - 1
                continue
            lines.append(line)
            where.append(lineno)
        return self.parse(lines, path, where)


ABI_FIELDS = ("What", "Date", "KernelVersion", "Contact", "Description", "Users")


def parse_abi(text):
    """[{field: value}] of a Documentation/ABI file, Description de-indented."""
    entries, cur, field = [], None, None
    for line in text.splitlines():
        m = re.match(r"^(%s):\s*(.*)$" % "|".join(ABI_FIELDS), line)
        if m:
            if m.group(1) == "What" and (cur is None or "Description" in cur):
                cur = {}
                entries.append(cur)
            if cur is None:
                raise ValueError(f"{m.group(1)}: before any What:")
            field = m.group(1)
            cur.setdefault(field, [])
            if m.group(2):
                cur[field].append(m.group(2))
        elif cur is not None and field:
            cur[field].append(line.strip() if field != "Description" else line)
    for e in entries:
        if "Description" not in e:
            raise ValueError(f"{e.get('What')}: no Description:")
        desc = [l.replace("\t", "        ") for l in e["Description"]]
        strip = min((len(l) - len(l.lstrip()) for l in desc if l.strip()), default=0)
        e["Description"] = [l[strip:] for l in desc]
    return entries


class SysfsAbi(_FromSource):
    """One section per attribute of a sysfs ABI file."""

    def run(self):
        with open(self.source_path()) as f:
            try:
                entries = parse_abi(f.read())
            except ValueError as e:
                raise self.error(f"{self.arguments[0]}: {e}")
        if not entries:
            raise self.error(f"{self.arguments[0]}: no What: entries")
        lines = []
        for e in entries:
            title = ", ".join("``" + w.rsplit("/", 1)[-1] + "``" for w in e["What"])
            lines += [title, "^" * len(title), ""]
            lines += ["| " + f"``{w}``" for w in e["What"]] + [""]
            for k in ("Date", "KernelVersion", "Contact"):
                if e.get(k):
                    lines.append(f":{k}: {' '.join(e[k])}")
            lines += ["", "::", ""] + ["    " + l for l in e["Description"]] + [""]
        return self.parse(lines)


def setup(app):
    app.add_directive("vnlm-kernel-doc", KernelDoc)
    app.add_directive("vnlm-sysfs-abi", SysfsAbi)
    return {"version": "1", "parallel_read_safe": True}
