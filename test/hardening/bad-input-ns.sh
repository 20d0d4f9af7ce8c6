# bad-input-ns.sh - run by bad-input-lib.js inside a new mount + PID namespace:
#   unshare -m -p -f --kill-child --propagation private --mount-proc bash -c "$(cat bad-input-ns.sh)" tsbad ROOT RES NODE
# ROOT: the scratch dir (a tmpfs is mounted on it here), RES: the case files (results are written
# next to them), NODE: node, used at the end to print every result as one JSON object on stdout.
set -u
ROOT=$1 RES=$2 NODE=$3
SYS=/usr/sbin:/usr/bin:/sbin:/bin
SM=$(PATH=$SYS command -v mount) SU=$(PATH=$SYS command -v umount) SL=$(PATH=$SYS command -v losetup)
export LC_ALL=C LANG=C
unset LANGUAGE LIBMOUNT_DEBUG LIBMOUNT_FSTAB LIBMOUNT_MTAB LIBMOUNT_FORCE_MOUNT2 TSMOUNT_FORCE_MOUNT2 TSMOUNT_FAULT POSIXLY_CORRECT
umask 022
die() { echo "bad-input runner: $*" >&2; exit 99; }
[ "$(readlink /proc/self/ns/mnt)" != "$PARENT_NS" ] || die "not in a new mount namespace"
awk '{ for (i = 7; i <= NF && $i != "-"; i++) if ($i ~ /^shared:/) exit 1 }' /proc/self/mountinfo || die "a mount is still shared"
"$SM" -t tmpfs -o size=96m,mode=755 tsbad-scratch "$ROOT" || die "cannot mount the scratch tmpfs"
H=$ROOT/.h
mkdir -p "$H" /run/mount /run/blkid 2>/dev/null
"$SM" -t tmpfs -o size=4m tsbad-run /run/mount || die "cannot cover /run/mount"
"$SM" -t tmpfs -o size=4m tsbad-blkid /run/blkid || die "cannot cover /run/blkid"
: >"$H/fstab"
"$SM" --bind "$H/fstab" /etc/fstab || die "cannot cover /etc/fstab"
if [ -e /etc/filesystems ]; then echo '*' >"$H/filesystems"; "$SM" --bind "$H/filesystems" /etc/filesystems || die "cannot cover /etc/filesystems"; fi
export LIBMOUNT_UTAB=$H/utab BLKID_FILE=$H/blkid.tab
below() { # mount points on or below $1 (raw, as mountinfo shows them), newest first
	awk -v w="$1" '$5 == w || index($5, w "/") == 1 { print $5 }' /proc/self/mountinfo | tac
}
loops_below() { "$SL" -n -l --raw -O NAME,BACK-FILE 2>/dev/null | awk -v w="$1/" 'index($2, w) == 1 { print $1 }'; }
cleanup() { # unmount everything below $1, detach its loop devices
	local i mp
	for i in 1 2 3 4 5; do
		[ -n "$(below "$1")" ] || break
		while IFS= read -r mp; do
			mp=$(printf '%b' "${mp//\\/\\0}")
			"$SU" "$mp" 2>/dev/null || "$SU" -l "$mp" 2>/dev/null
		done < <(below "$1")
	done
	for i in $(loops_below "$1"); do "$SL" -d "$i" 2>/dev/null; done
}
for C in "$RES"/cases/*/; do
	C=${C%/}
	W=$(cat "$C/W")
	mkdir -p "$W"
	[ -e "$C/fstab" ] && cp "$C/fstab" "$W/fstab"
	if [ -e "$C/etcfstab" ]; then cat "$C/etcfstab" >"$H/fstab"; else : >"$H/fstab"; fi
	: >"$H/utab"
	if [ -e "$C/setup.sh" ]; then
		(cd "$W" && export W && . "$C/setup.sh") >"$C/setup.out" 2>&1
		echo $? >"$C/setup.rc"
	fi
	mapfile -d '' -t ARGS <"$C/args"
	mapfile -d '' -t ENVS <"$C/env"
	(cd "$W" && exec env "${ENVS[@]}" timeout -k 2 60 $(cat "$C/cmd") "${ARGS[@]}") </dev/null >"$C/out" 2>"$C/err"
	echo $? >"$C/rc"
	below "$W" >"$C/mounts"
	cleanup "$W"
	cd /
done
# the end: no utab below the scratch dir any more (it is going away: a umount that updates utab
# there would create the directory on the host's /tmp), then unmount and detach what is left
export LIBMOUNT_UTAB=/run/mount/utab
"$SU" -l /etc/fstab 2>/dev/null
[ -e "$H/filesystems" ] && "$SU" -l /etc/filesystems 2>/dev/null
cleanup "$ROOT"
"$NODE" -e '
const fs = require("fs"); const path = require("path");
const show = (b) => { const s = b.toString("utf8"); if (Buffer.from(s, "utf8").equals(b)) return s;
  return [...b].map((x) => (x >= 0x20 && x < 0x7f) || x === 10 || x === 9 ? String.fromCharCode(x) : "\\x" + x.toString(16).padStart(2, "0")).join(""); };
const rd = (f) => { try { return fs.readFileSync(f); } catch { return undefined; } };
const out = {};
for (const d of fs.readdirSync(process.argv[1] + "/cases")) {
  const c = process.argv[1] + "/cases/" + d; const name = fs.readFileSync(c + "/name", "utf8");
  const t = (f) => { const b = rd(c + "/" + f); return b === undefined ? undefined : show(b); };
  out[name] = { rc: Number(t("rc")), stdout: t("out"), stderr: t("err"), mounts: t("mounts"),
    setupRc: t("setup.rc") === undefined ? undefined : Number(t("setup.rc")), setupOut: t("setup.out") };
}
process.stdout.write(JSON.stringify(out));' "$RES"
