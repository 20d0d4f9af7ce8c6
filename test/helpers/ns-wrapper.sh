# ns-wrapper.sh - run by test/helpers/ns.js as: unshare -m -p -f ... bash -c "$(cat ns-wrapper.sh)" tsmit RES BIN_MOUNT BIN_UMOUNT NODE
# (see ns.js for the API and the safety rules). The cases to run are listed in $RES/cases.list.
RES=$1
TSM_BIN_MOUNT=$2
TSM_BIN_UMOUNT=$3
TSM_NODE=$4
SYS=/usr/sbin:/usr/bin:/sbin:/bin
SM=$(PATH=$SYS command -v mount) SU=$(PATH=$SYS command -v umount) SL=$(PATH=$SYS command -v losetup)
SF=$(PATH=$SYS command -v findmnt)
export LC_ALL=C LANG=C
unset LANGUAGE LIBMOUNT_DEBUG LIBBLKID_DEBUG LIBMOUNT_FSTAB LIBMOUNT_MTAB LIBMOUNT_FORCE_MOUNT2 POSIXLY_CORRECT
umask 022
tsm_die() { echo "ns.js harness: $*" >&2; exit 99; }

# The namespace must be a new one with no shared mount left (never mount in the caller's).
[ "$(readlink /proc/self/ns/mnt)" != "$TSM_PARENT_NS" ] || tsm_die "not in a new mount namespace"
awk '{ for (i = 7; i <= NF && $i != "-"; i++) if ($i ~ /^shared:/) exit 1 }' /proc/self/mountinfo ||
	tsm_die "a mount is still shared"

W=$(mktemp -d /tmp/tsmit.XXXXXX) || tsm_die "mktemp failed"
printf '%s' "$W" >"$RES/W"
"$SM" -t tmpfs -o size=256m,mode=755 tsmit-scratch "$W" || tsm_die "cannot mount the scratch tmpfs"
H=$W/.h
mkdir -p "$H/tmp"
mkdir -p /run/mount /run/blkid 2>/dev/null
"$SM" -t tmpfs -o size=4m tsmit-run /run/mount || tsm_die "cannot cover /run/mount"
"$SM" -t tmpfs -o size=4m tsmit-blkid /run/blkid || tsm_die "cannot cover /run/blkid"
: >"$H/fstab"
"$SM" --bind "$H/fstab" /etc/fstab || tsm_die "cannot cover /etc/fstab"
if [ -e /etc/filesystems ]; then
	echo '*' >"$H/filesystems"
	"$SM" --bind "$H/filesystems" /etc/filesystems || tsm_die "cannot cover /etc/filesystems"
fi
export LIBMOUNT_UTAB=$H/utab BLKID_FILE=$H/blkid.tab TMPDIR=$H/tmp
cd "$W" || tsm_die "cannot cd to $W"

# ---- cases: each has its own directory $D (below $W, or $W itself) and its own records in $C
# tsm_case NAME [DIR]: start a case (records in $RES/cases/NAME, files in DIR, default $W/NAME)
tsm_case() {
	C=$RES/cases/$1
	D=${2:-$W/$1}
	mkdir -p "$C/steps" "$D"
	: >"$C/events"
	: >"$H/fstab"
	printf '%s' "$D" >"$C/D"
	TSM_N=0 TSM_SNAPS=0
}
# tsm_case_end: the state of the case when it ends (mounts and loop devices below $D)
tsm_case_end() {
	cd "$W"
	tsm_mi /proc/self/mountinfo "$D" >"$C/mountinfo"
	tsm_loops "$D" >"$C/loops"
	: >"$C/done"
}

# ---- commands under test
tsm_run() {
	local kind=$1 bin=$2 n rc
	shift 2
	n=$((TSM_N += 1))
	printf '%s' "$kind" >"$C/steps/$n.kind"
	if [ $# -gt 0 ]; then printf '%s\0' "$@"; fi >"$C/steps/$n.argv"
	printf '%s' "$PWD" >"$C/steps/$n.cwd"
	timeout -k 2 "${TSM_CMD_TIMEOUT:-20}" "$TSM_NODE" "$bin" "$@" </dev/null >"$C/steps/$n.out" 2>"$C/steps/$n.err"
	rc=$?
	printf '%s' "$rc" >"$C/steps/$n.rc"
	printf 'S\t%s\n' "$n" >>"$C/events"
	return $rc
}
tm() { tsm_run mount "$TSM_BIN_MOUNT" "$@"; }
tu() { tsm_run umount "$TSM_BIN_UMOUNT" "$@"; }
# tm_w / tu_w: the same, but only output lines that mention $D/ are kept (for commands that
# walk the whole mount table: listings, umount -a)
tm_w() { tm "$@"; local rc=$?; : >"$C/steps/$TSM_N.filter"; return $rc; }
tu_w() { tu "$@"; local rc=$?; : >"$C/steps/$TSM_N.filter"; return $rc; }

# ---- setup helpers (system tools)
smount() { "$SM" "$@"; }
sumount() { "$SU" "$@"; }
slosetup() { "$SL" "$@"; }
mk_fstab() { cat >"$H/fstab"; }
mk_file() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" >"$1"; }
mk_ext2() {
	local img=$1
	shift
	truncate -s 4M "$img" && mkfs.ext2 -q -F -b 1024 "$@" "$img" >/dev/null
}
loop_attach() { local img=$1; shift; "$SL" -f --show "$@" "$img"; }
hold_cwd() {
	(cd "$1" && exec sleep 600) &
	local pid=$! i
	for i in $(seq 1 200); do
		[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(readlink -f "$1")" ] &&
			[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && return 0
		sleep 0.01
	done
	return 1
}
hold_open() {
	(exec sleep 600 <"$1") &
	local pid=$! i
	for i in $(seq 1 200); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && return 0
		sleep 0.01
	done
	return 1
}

# ---- state recorders
# tsm_mi MOUNTINFO [PREFIX]: normalised mountinfo lines below PREFIX (default $W):
#   MOUNTPOINT[+LEVEL] ROOT MOUNT-OPTS PROPAGATION FSTYPE SOURCE SUPER-OPTS [in=PARENT]
# (in=: the parent mount when it is not the scratch filesystem $W itself)
tsm_mi() {
	awk -v w="$W" -v f="${2:-$W}" '
	{
		id = $1; par[id] = $2; mp[id] = $5; root[id] = $4; opts[id] = $6
		prop = ""
		for (i = 7; i <= NF && $i != "-"; i++) prop = prop (prop == "" ? "" : ",") $i
		if (prop == "") prop = "private"
		pr[id] = prop
		fst[id] = $(i + 1); src[id] = $(i + 2); sup[id] = $(i + 3)
		ids[++n] = id
	}
	function level(x,   l) {
		l = 0
		while ((par[x] in mp) && mp[par[x]] == mp[x]) { l++; x = par[x] }
		return l
	}
	function label(x,   l) { l = level(x); return mp[x] (l > 0 ? "+" l : "") }
	END {
		for (k = 1; k <= n; k++) {
			x = ids[k]
			if (index(mp[x], f "/") != 1 || index(mp[x], w "/.h") == 1) continue
			line = label(x) " " root[x] " " opts[x] " " pr[x] " " fst[x] " " src[x] " " sup[x]
			p = par[x]
			if ((p in mp) && mp[p] != w) line = line " in=" label(p)
			else if (!(p in mp)) line = line " in=?"
			print line
		}
	}' "$1" | LC_ALL=C sort
}
snap() {
	local n=$((TSM_SNAPS += 1))
	tsm_mi /proc/self/mountinfo "$D" >"$C/snap.$n"
	printf 'P\t%s\n' "$n" >>"$C/events"
}
# a check: KEY and VALUE (one line each; newlines in VALUE are shown as " | ")
tsm_check() { printf 'C\t%s\t%s\n' "$1" "$(printf '%s' "$2" | sed ':a;N;$!ba;s/\n/ | /g')" >>"$C/events"; }
st_write() {
	local e
	if e=$( (: >"$1") 2>&1); then tsm_check "write $1" ok; rm -f "$1"; else tsm_check "write $1" "${e##*: }"; fi
}
st_stat() { tsm_check "stat $1" "$(stat -c '%u:%g %a %F' "$1" 2>/dev/null || echo '(missing)')"; }
st_ls() {
	local s
	if s=$(LC_ALL=C ls -A "$1" 2>/dev/null); then tsm_check "ls $1" "$(echo $s)"; else tsm_check "ls $1" "(cannot list)"; fi
}
st_file() { if [ -f "$1" ]; then tsm_check "file $1" "$(cat "$1")"; else tsm_check "file $1" "(missing)"; fi; }
st_prop() {
	local p
	p=$("$SF" -n -o PROPAGATION --mountpoint "$1" 2>/dev/null | tail -n 1)
	tsm_check "prop $1" "${p:-(not a mount point)}"
}
st_peers() {
	local r
	r=$(awk -v a="$1" -v b="$2" '
		function grp(k,  i) { for (i = 7; i <= NF && $i != "-"; i++) if ($i ~ "^" k ":") { split($i, z, ":"); return z[2] } return "" }
		$5 == a { as = grp("shared"); am = grp("master") }
		$5 == b { bs = grp("shared") }
		END {
			if (as != "" && as == bs) print "same peer group"
			else if (am != "" && am == bs) print "slave of its peer group"
			else print "unrelated"
		}' /proc/self/mountinfo)
	tsm_check "peers $1 $2" "$r"
}
st_same_fs() {
	local a b
	a=$(stat -c %d "$1" 2>/dev/null) b=$(stat -c %d "$2" 2>/dev/null)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then tsm_check "same-fs $1 $2" yes; else tsm_check "same-fs $1 $2" no; fi
}
st_test() { local l=$1; shift; if "$@" >/dev/null 2>&1; then tsm_check "$l" yes; else tsm_check "$l" no; fi; }
st_cmd() { local l=$1; shift; tsm_check "$l" "$("$@" 2>&1)"; }
tsm_loops_raw() { # [PREFIX] NAME BACK-FILE OFFSET SIZELIMIT AUTOCLEAR RO for devices backed by a file below PREFIX ($W)
	"$SL" -n -l --raw -O NAME,BACK-FILE,OFFSET,SIZELIMIT,AUTOCLEAR,RO 2>/dev/null | awk -v w="${1:-$W}/" 'index($2, w) == 1'
}
tsm_loop_settle() { # autoclear devices no mount uses go away (udev may hold them a moment)
	[ -S /run/udev/control ] && command -v udevadm >/dev/null && udevadm settle -t 5 2>/dev/null
	local i dev busy
	for i in $(seq 1 40); do
		busy=""
		for dev in $(tsm_loops_raw | awk '$5 == 1 { print $1 }'); do
			awk -v d="$dev" '$0 ~ (" - [^ ]+ " d " ") { f = 1 } END { exit !f }' /proc/self/mountinfo || busy=1
		done
		[ -z "$busy" ] && return 0
		sleep 0.05
	done
}
tsm_loops() {
	tsm_loop_settle
	tsm_loops_raw "$1" | awk '{ printf "%s back=%s offset=%s sizelimit=%s autoclear=%s ro=%s\n", $1, $2, $3, $4, $5, $6 }' | LC_ALL=C sort -t' ' -k2
}
st_loops() {
	local n=$((TSM_SNAPS += 1))
	tsm_loops "$D" >"$C/snap.$n"
	printf 'L\t%s\n' "$n" >>"$C/events"
}

tsm_final() {
	local rc=$? p i mp mps left
	trap - EXIT
	cd /
	printf '%s' "$rc" >"$RES/script.rc"
	# every other process of this PID namespace was started by the script (hold_cwd, ...)
	for i in 1 2 3; do
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			[ "$p" = 1 ] || [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
			kill -KILL "$p" 2>/dev/null
		done
		wait 2>/dev/null
	done
	tsm_mi /proc/self/mountinfo >"$RES/mountinfo"
	tsm_loops >"$RES/loops"
	# cleanup: unmount everything below $W (newest first), detach our loop devices
	for i in 1 2 3 4 5; do
		mps=$(awk -v w="$W/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | tac)
		[ -n "$mps" ] || break
		while IFS= read -r mp; do
			mp=$(printf '%b' "${mp//\\/\\0}")
			"$SU" "$mp" 2>/dev/null || "$SU" -l "$mp" 2>/dev/null
		done <<<"$mps"
	done
	# Only devices still backed by a file under $W, read again now: a number taken before the
	# unmounts may have been freed (autoclear) and reused by a parallel test in the meantime.
	for p in $(tsm_loops_raw | awk '{ print $1 }'); do
		[ -b "$p" ] || continue
		case "$(cat "/sys/block/${p#/dev/}/loop/backing_file" 2>/dev/null)" in
		"$W"/*) "$SL" -d "$p" 2>/dev/null ;;
		esac
	done
	for i in $(seq 1 40); do
		left=$(tsm_loops_raw | awk '{ print $1 }')
		[ -z "$left" ] && break
		sleep 0.05
	done
	printf '%s\n' $left >"$RES/leftloops"
	"$SU" -l "$W" 2>/dev/null
	rmdir "$W" 2>/dev/null
	exit 0
}
trap tsm_final EXIT
# $RES/cases.list: one case name per line; $RES/cases/NAME/script.sh its script. A case runs in
# a subshell (its cd, variables and exit stay there) with $D as the current directory.
while IFS= read -r tsm_name; do
	if [ "$tsm_name" = "-" ]; then tsm_case main "$W"; else tsm_case "$tsm_name"; fi
	(
		trap tsm_case_end EXIT
		cd "$D" || exit 3
		. "$C/script.sh"
	)
done <"$RES/cases.list"
