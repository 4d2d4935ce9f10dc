#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Resolve the kernel-version conditionals of driver/vnlm_compat.h for one
kernel, as code merged into that kernel would be written: every
`#if/#elif LINUX_VERSION_CODE <op> KERNEL_VERSION(a, b, c)` branch is
decided, the others (include guards, #ifndef) are kept as they are.

  scripts/version-flatten.py 6.1 < vnlm_compat.h > flat.h

Exit 1 on a version conditional it cannot decide (so a new form of
conditional is never passed through unresolved).
"""

import re
import sys

VER = re.compile(r"^\s*LINUX_VERSION_CODE\s*(<|>=|>|<=|==)\s*KERNEL_VERSION\((\d+),\s*(\d+),\s*(\d+)\)\s*$")
OPS = {"<": lambda a, b: a < b, ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
       "<=": lambda a, b: a <= b, "==": lambda a, b: a == b}


def decide(cond, target):
    m = VER.match(cond)
    if not m:
        if "LINUX_VERSION_CODE" in cond:
            sys.exit(f"version-flatten: cannot decide `{cond}`")
        return None
    op, a, b, c = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
    return OPS[op](target, (a, b, c))


def flatten(lines, target):
    out = []
    # stack entries: None for a kept (non-version) #if, else a dict
    stack = []

    def emitting():
        return all(e is None or e["on"] for e in stack)

    for line in lines:
        m = re.match(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$", line)
        if not m:
            if emitting():
                out.append(line)
            continue
        kw, rest = m.group(1), m.group(2).strip()
        if kw in ("if", "ifdef", "ifndef"):
            verdict = decide(rest, target) if kw == "if" else None
            if verdict is None:
                stack.append(None)
                if emitting():
                    out.append(line)
            else:
                stack.append({"on": verdict, "taken": verdict})
        elif kw == "elif":
            top = stack[-1]
            if top is None:
                sys.exit("version-flatten: #elif under a kept #if is not supported")
            verdict = decide(rest, target)
            if verdict is None:
                sys.exit(f"version-flatten: mixed #elif `{rest}`")
            top["on"] = verdict and not top["taken"]
            top["taken"] = top["taken"] or verdict
        elif kw == "else":
            top = stack[-1]
            if top is None:
                if emitting():
                    out.append(line)
            else:
                top["on"] = not top["taken"]
                top["taken"] = True
        else:  # endif
            top = stack.pop()
            if top is None and emitting():
                out.append(line)
    if stack:
        sys.exit("version-flatten: unbalanced #if")
    # Collapse the blank runs that removed branches leave behind.
    text = re.sub(r"\n{3,}", "\n\n", "".join(out))
    return text


def main():
    if len(sys.argv) != 2 or not re.match(r"^\d+\.\d+(\.\d+)?$", sys.argv[1]):
        sys.exit(__doc__)
    parts = [int(x) for x in sys.argv[1].split(".")] + [0]
    sys.stdout.write(flatten(sys.stdin.readlines(), tuple(parts[:3])))


if __name__ == "__main__":
    main()
