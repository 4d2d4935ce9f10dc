# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# A private apt view: its own sources, lists, cache and (empty) status, on
# the host's own Debian mirror, so that a script can resolve and download
# Debian packages of any suite and architecture without root and without
# touching the system's apt configuration.  Sourced, not run.
#
#   apt_view_init VIEW_DIR "deb SUITE main" ["deb-src SUITE main" ...]
#       writes VIEW_DIR/sources.list from the lines (the mirror and keyring
#       are filled in) and sets the array apt_opts for apt-get/apt-cache;
#       extra apt options may follow the lines after a lone "--".
#   apt_view_update VIEW_DIR WHO
#       apt-get update, at most once a day; a failure is reported, not
#       fatal (the caller decides what a stale or missing index means).
#
# Scripts written before this file carry their own copy of it (noticed,
# left for a change of its own: each of them needs its lane fetched again
# to be tested).

apt_view_main_uri() {
	local f u
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr -s '[:blank:]' '\n'
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			sed -n 's/^[[:space:]]*deb\(-src\)\{0,1\}[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]\+\).*/\3/p' "$f"
		done
	} | while read -r u; do
		u=${u%/}
		case "$u" in */debian) echo "$u"; break ;; esac
	done
}

apt_view_init() {
	local view=$1 uri keyring opt='' line
	shift
	uri=$(apt_view_main_uri)
	if [ -z "$uri" ]; then
		echo "apt-view: no apt source URI ending in /debian in /etc/apt/sources.list{,.d}" >&2
		return 1
	fi
	mkdir -p "$view/lists/partial" "$view/cache/archives/partial"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -f "$keyring" ] && opt="[signed-by=$keyring] "
	apt_opts=(
		-o Dir::Etc::SourceList="$view/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$view/lists" -o Dir::Cache="$view/cache"
		-o Dir::State::status="$view/status" -o Acquire::Languages=none
	)
	: >"$view/sources.list.new"
	while [ $# -gt 0 ]; do
		line=$1
		shift
		if [ "$line" = -- ]; then
			apt_opts+=("$@")
			break
		fi
		# "deb SUITE COMPONENTS" -> "deb [signed-by=...] MIRROR SUITE COMPONENTS"
		echo "${line%% *} ${opt}$uri ${line#* }" >>"$view/sources.list.new"
	done
	# Rewritten only when it changed: its age keeps the index's once a day.
	if cmp -s "$view/sources.list.new" "$view/sources.list"; then
		rm "$view/sources.list.new"
	else
		mv "$view/sources.list.new" "$view/sources.list"
	fi
	[ -f "$view/status" ] || : >"$view/status"
}

apt_view_update() {
	local view=$1 who=$2 stamp="$1/.updated"
	if [ -n "$(find "$stamp" -newer "$view/sources.list" -mmin -1440 2>/dev/null)" ]; then
		return 0
	fi
	echo "$who: updating the apt view ($(cut -d' ' -f1,4- "$view/sources.list" | paste -sd, -))" >&2
	if apt-get "${apt_opts[@]}" -q update >"$view/update.log" 2>&1; then
		touch "$stamp"
	else
		echo "$who: apt-get update failed in part:" >&2
		grep -E '^(E|W):' "$view/update.log" | sed 's/^/  /' >&2 || true
	fi
}
