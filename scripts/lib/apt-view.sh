# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# A private apt view: its own sources, lists, cache and (empty) status, on
# the host's own Debian mirror, so that a script can resolve and download
# Debian packages of any suite and architecture without root and without
# touching the system's apt configuration.  Sourced, not run.
#
#   apt_view_main_uri, apt_view_security_uri
#       print the first URI of the host's apt sources (deb822 .sources, then
#       one-line .list files) ending in /debian, resp. /debian-security;
#       nothing when there is none.
#   apt_view_init VIEW_DIR "deb SUITE main" ["deb-src SUITE main" ...]
#       writes VIEW_DIR/sources.list from the lines (the mirror and keyring
#       are filled in) and sets the array apt_opts for apt-get/apt-cache;
#       a line that names its own mirror ("deb URI SUITE main", e.g. that of
#       apt_view_security_uri) keeps it and gets the keyring only; extra apt
#       options may follow the lines after a lone "--".
#   apt_view_update VIEW_DIR WHO
#       apt-get update, at most once a day; a failure is reported, not
#       fatal (the caller decides what a stale or missing index means).
#       A script that updates on every run (scripts/fetch-kernel.sh and
#       scripts/fetch-kernel-source.sh: they resolve the newest kernel, and
#       judge a failed index themselves) runs
#       apt-get "${apt_opts[@]}" update itself instead.

# The first URI of the host's apt sources ending in /NAME.  The whole list is
# read (no early exit), so no writer of the pipe dies of SIGPIPE.
apt_view_host_uri() {
	local name=$1 f
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr -s '[:blank:]' '\n'
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			sed -n 's/^[[:space:]]*deb\(-src\)\{0,1\}[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]\+\).*/\3/p' "$f"
		done
	} | {
		local u first=''
		while read -r u; do
			u=${u%/}
			case "$u" in */"$name") [ -n "$first" ] || first=$u ;; esac
		done
		[ -z "$first" ] || echo "$first"
	}
}

apt_view_main_uri() { apt_view_host_uri debian; }
apt_view_security_uri() { apt_view_host_uri debian-security; }

apt_view_init() {
	local view=$1 uri keyring opt='' line rest
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
		# "deb SUITE COMPONENTS" -> "deb [signed-by=...] MIRROR SUITE COMPONENTS",
		# "deb URI SUITE COMPONENTS" -> "deb [signed-by=...] URI SUITE COMPONENTS"
		rest=${line#* }
		case "${rest%% *}" in
		*://*) echo "${line%% *} ${opt}$rest" ;;
		*)     echo "${line%% *} ${opt}$uri $rest" ;;
		esac >>"$view/sources.list.new"
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
