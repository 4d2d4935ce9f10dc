# SPDX-License-Identifier: GPL-2.0-only
"""Sphinx configuration for the vnet-link-mirror guides (make docs).

Built with Debian's python3-sphinx; the ABI header's kernel-doc and the
sysfs ABI file are rendered from their sources by _ext/vnlm_sources.py.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ext"))

project = "vnet-link-mirror"
copyright = "the vnet-link-mirror developers"  # noqa: A001 - Sphinx's name
extensions = ["vnlm_sources"]
master_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {"nosidebar": False}
# The C domain sees the kernel's and the ABI header's own type names.
c_id_attributes = ["__always_inline", "__maybe_unused"]
nitpicky = False
