#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Inline the compat shims that are no-ops for the target kernel, in a tree
copy of the driver (scripts/intree-series.sh), after scripts/version-flatten.py
resolved vnlm_compat.h for that kernel.

Out of tree the driver calls shims such as vnlm_assign_str(field, src) that
take what the oldest kernel needs; for a new kernel the flattened shim
ignores an argument (`__assign_str(field)`), and the tree's checkpatch
--strict rightly flags a function-like macro with an unused argument
(MACRO_ARG_UNUSED): code merged upstream has no compat layer.  So, for each
function-like macro of the flattened header that ignores a parameter:

  - defined once, outside any conditional other than its own #ifndef guard:
    every call in the driver's files is replaced by the body with the
    arguments substituted, a call that expands to `static_assert(1)` (a
    no-op kept only to swallow the `;`) is deleted with its line, and the
    definition (with its guard) leaves the header;
  - VNLM_EXPORT_FOR_KUNIT, whose no-export branch ignores the symbol: the
    tree has the upstream idiom for it, EXPORT_SYMBOL_IF_KUNIT() of
    <kunit/visibility.h>, which exports to the same namespace
    (EXPORTED_FOR_KUNIT_TESTING) when KUnit is configured.

Any other macro with an unused argument makes this fail, naming it: a new
shim must be handled here, never passed on to checkpatch by surprise.

  scripts/intree-inline-shims.py DRIVER_DIR   (edits DRIVER_DIR in place)
"""

import os
import re
import sys

DEF = re.compile(r"^#define\s+(\w+)\(([^)]*)\)[ \t]*(.*)$")


def unused_params(params, body):
    return [p for p in params if p and not re.search(rf"\b{re.escape(p)}\b", body)]


def split_call(text, start):
    """Arguments of the call whose '(' is at text[start]; (args, end)."""
    depth, args, cur, i = 0, [], "", start
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
            if depth > 1:
                cur += c
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args, i + 1
            cur += c
        elif c == "," and depth == 1:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    raise SystemExit("intree-inline-shims: unbalanced call")


def main():
    d = sys.argv[1]
    hpath = os.path.join(d, "vnlm_compat.h")
    lines = open(hpath).read().split("\n")
    # Find function-like macros (one-line bodies: multi-line ones use every
    # argument in this header) and the conditional depth they sit at.
    depth, inline, keep_kunit = 0, {}, False
    drop = set()
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("#if"):
            depth += 1
        elif s.startswith("#endif"):
            depth -= 1
        m = DEF.match(line)
        if not m or line.endswith("\\"):
            continue
        name, params = m.group(1), [p.strip() for p in m.group(2).split(",")]
        body = m.group(3).strip()
        if not unused_params(params, body):
            continue
        guarded = (i > 0 and lines[i - 1].strip() == f"#ifndef {name}"
                   and lines[i + 1].strip() == "#endif")
        if name == "VNLM_EXPORT_FOR_KUNIT":
            keep_kunit = True
        elif depth - (1 if guarded else 0) == 1:   # 1: the include guard
            inline[name] = (params, body)
            first, last = (i - 1, i + 1) if guarded else (i, i)
            drop.update(range(first, last + 1))
            # A comment standing alone above the definition is its own: it
            # goes too (a stanza is comment, definition, blank line).
            if lines[first - 1].rstrip().endswith("*/") and not lines[last + 1].strip():
                j = first - 1
                while not lines[j].lstrip().startswith("/*"):
                    j -= 1
                drop.update(range(j, first))
        else:
            sys.exit(f"intree-inline-shims: {name} ignores "
                     f"{unused_params(params, body)} under a conditional: handle it here")
    lines = [l for i, l in enumerate(lines) if i not in drop]
    text = "\n".join(lines)
    if keep_kunit:
        # The whole #if IS_ENABLED(CONFIG_..._KUNIT_TEST) block becomes the
        # upstream idiom.
        block = re.compile(r"(?:/\*(?:[^*]|\*(?!/))*\*/\n)?"
                           r"#if IS_ENABLED\(CONFIG_VNET_LINK_MIRROR_KUNIT_TEST\)\n"
                           r"(?:.*\n)*?#endif\n")
        new = ("/* Functions the KUnit module calls are exported to the namespace\n"
               " * EXPORTED_FOR_KUNIT_TESTING while KUnit is configured.\n"
               " */\n"
               "#include <kunit/visibility.h>\n"
               "#define VNLM_EXPORT_FOR_KUNIT(sym)\tEXPORT_SYMBOL_IF_KUNIT(sym)\n"
               "#define VNLM_IMPORT_KUNIT_NS()\t\t"
               "MODULE_IMPORT_NS(\"EXPORTED_FOR_KUNIT_TESTING\")\n")
        text, n = block.subn(new, text, count=1)
        if n != 1:
            sys.exit("intree-inline-shims: no KUnit export block in vnlm_compat.h")
    text = re.sub(r"\n{3,}", "\n\n", text)
    open(hpath, "w").write(text)

    used = {n: 0 for n in inline}
    for f in sorted(os.listdir(d)):
        if not f.endswith((".c", ".h")) or f == "vnlm_compat.h":
            continue
        p = os.path.join(d, f)
        src = open(p).read()
        for name, (params, body) in inline.items():
            out, pos = "", 0
            for m in re.finditer(rf"\b{name}\(", src):
                if m.start() < pos:
                    continue
                args, end = split_call(src, m.end() - 1)
                exp = body
                for prm, arg in zip(params, args):
                    exp = re.sub(rf"\b{re.escape(prm)}\b", lambda _m, a=arg: a, exp)
                if exp == "static_assert(1)":
                    # The statement `NAME(...);` and its line go.
                    ls = src.rfind("\n", 0, m.start()) + 1
                    le = src.find("\n", end) + 1
                    if src[ls:m.start()].strip() or src[end:le].strip() != ";":
                        sys.exit(f"intree-inline-shims: {f}: {name} not alone on its line")
                    out += src[pos:ls]
                    pos = le
                else:
                    out += src[pos:m.start()] + exp
                    pos = end
                used[name] += 1
            src = out + src[pos:]
        src = re.sub(r"\n{3,}", "\n\n", src)
        open(p, "w").write(src)
    for name, n in used.items():
        if not n:
            sys.exit(f"intree-inline-shims: {name} is never called: stale shim")


if __name__ == "__main__":
    main()
