# devices-prelude.sh - bash functions for the devices-*.test.js case scripts (see devices-helpers.js).
# Sourced in front of every case script, inside the namespace of test/helpers/ns-wrapper.sh.
tsd_sbin_overlay() {
	[ -e "$H/sbin.overlay" ] && return 0
	local real
	real=$(readlink -f /sbin)
	mkdir -p "$H/sbin-up" "$H/sbin-work"
	"$SM" -t overlay -o "lowerdir=$real,upperdir=$H/sbin-up,workdir=$H/sbin-work" tsd-sbin "$real" || return 1
	: >"$H/sbin.overlay"
}
fake_helper() {
	local name=$1 code=${2:-0} dir=/sbin
	[ -n "${3:-}" ] && dir=/sbin/$3
	tsd_sbin_overlay || return 1
	mkdir -p "$dir"
	cat >"$dir/$name" <<EOF
#!/bin/sh
{ printf '%s' "\$0"; for a in "\$@"; do printf ' [%s]' "\$a"; done; printf '\n'; } >>"$D/helper.log"
exit $code
EOF
	chmod 755 "$dir/$name"
	echo "$dir/$name" >>"$H/helpers.list"
}
raw_helper() {
	tsd_sbin_overlay || return 1
	cat >"/sbin/$1"
	chmod "$2" "/sbin/$1"
	echo "/sbin/$1" >>"$H/helpers.list"
}
# clear_helpers: remove every helper fake_helper / raw_helper made (the system umount that
# cleans up at the end must not meet a fake umount.TYPE)
clear_helpers() {
	[ -s "$H/helpers.list" ] || return 0
	xargs -d '\n' rm -f <"$H/helpers.list"
	: >"$H/helpers.list"
}
st_helper() {
	if [ -s "$D/helper.log" ]; then tsm_check helper "$(cat "$D/helper.log")"; else tsm_check helper "(not called)"; fi
}
# st_loop_of FILE: what sysfs says about the loop devices backed by FILE ("none" when there is none)
st_loop_of() {
	tsm_loop_settle
	local b out=""
	for b in /sys/block/loop*; do
		[ "$(cat "$b/loop/backing_file" 2>/dev/null)" = "$1" ] || continue
		out="$out${out:+; }ro=$(cat "$b/ro") autoclear=$(cat "$b/loop/autoclear") offset=$(cat "$b/loop/offset") sizelimit=$(cat "$b/loop/sizelimit")"
	done
	tsm_check "loop of $1" "${out:-none}"
}
# procs_named NAME: PIDs of the processes called NAME (this PID namespace only)
procs_named() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = "$1" ] && printf '%s\n' "${p#/proc/}"
	done
}
mk_extfs() {
	local type=$1 size=$2 img=$3
	shift 3
	truncate -s "$size" "$img" && "mkfs.$type" -q -F "$@" "$img" >/dev/null
}
mk_ext2_at() {
	local img=$1 off=$2
	shift 2
	mk_ext2 "$img.part" "$@" || return 1
	truncate -s "$off" "$img"
	cat "$img.part" >>"$img"
	rm -f "$img.part"
}
mk_squashfs() { mksquashfs "$2" "$1" -quiet -noappend -all-root -mkfs-time 0 -all-time 0 >/dev/null; }
# st_utab_of TARGET: the utab ($LIBMOUNT_UTAB) entry of TARGET without its ID, or "none"
st_utab_of() {
	local l
	l=$(grep -F " TARGET=$1 " "$LIBMOUNT_UTAB" 2>/dev/null | sed 's/^ID=[0-9]* //')
	tsm_check "utab $1" "${l:-none}"
}
# st_backing_of MOUNTPOINT: the backing file of the loop device mounted there (or "none")
st_backing_of() {
	local dev
	dev=$(awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++) ; d = $(i + 2) } END { print d }' /proc/self/mountinfo)
	[[ $dev =~ ^/dev/(loop[0-9]+) ]] && dev=${BASH_REMATCH[1]}
	tsm_check "backing of $1" "$(cat "/sys/block/$dev/loop/backing_file" 2>/dev/null || echo none)"
}
# tsd_cleanup_all: unmount everything below $W and detach the loop devices still backed by a
# file below $W, reading each device's backing file right before detaching it. Run as the last
# case of every suite, so that the harness's own end-of-run cleanup finds nothing left: a device
# number it listed before unmounting could meanwhile belong to another test.
tsd_cleanup_all() {
	cd "$W" || return 1
	clear_helpers
	local i mps mp b f
	for i in 1 2 3 4 5; do
		mps=$(awk -v w="$W/" 'index($5, w) == 1 && index($5, w ".h") != 1 { print $5 }' /proc/self/mountinfo | tac)
		[ -n "$mps" ] || break
		while IFS= read -r mp; do
			mp=$(printf '%b' "${mp//\\/\\0}")
			"$SU" -i "$mp" 2>/dev/null || "$SU" -i -l "$mp" 2>/dev/null
		done <<<"$mps"
	done
	tsm_loop_settle
	for b in /sys/block/loop*; do
		f=$(cat "$b/loop/backing_file" 2>/dev/null) || continue
		case $f in "$W"/*) "$SL" -d "/dev/${b##*/}" 2>/dev/null ;; esac
	done
}
# free_loop: the highest-numbered loop device that is not bound (other tests and tsmount take
# the lowest free one, LOOP_CTL_GET_FREE), else what losetup -f names
free_loop() {
	local n
	for n in $(ls /sys/block | sed -n 's/^loop\([0-9]*\)$/\1/p' | sort -rn); do
		[ -e "/sys/block/loop$n/loop/backing_file" ] && continue
		[ -b "/dev/loop$n" ] && { echo "/dev/loop$n"; return 0; }
	done
	"$SL" -f
}
# loop_attach IMG [losetup args]: like ns-wrapper.sh's (a non-autoclear device, its name on
# stdout), on the highest free device: device numbers other tests use come and go from the low
# end, which keeps ours out of their way
loop_attach() {
	local img=$1 n
	shift
	for n in $(ls /sys/block | sed -n 's/^loop\([0-9]*\)$/\1/p' | sort -rn); do
		[ -e "/sys/block/loop$n/loop/backing_file" ] && continue
		[ -b "/dev/loop$n" ] || continue
		"$SL" "$@" "/dev/loop$n" "$img" 2>/dev/null && { echo "/dev/loop$n"; return 0; }
	done
	"$SL" -f --show "$@" "$img"
}
