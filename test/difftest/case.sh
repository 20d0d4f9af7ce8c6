#!/usr/bin/env bash
# test/difftest/case.sh SCRATCH MOUNT UMOUNT IMAGE < CASE
#
# Runs one difftest case against one implementation, in a fresh private mount namespace, and prints
# what it did and the state it left, normalised for comparison with the other implementation:
#   "$ CMD" / "rc N" / "1> LINE" / "2> LINE" per command, then "== state" with the mount table below
#   SCRATCH (mountinfo without IDs, device numbers or peer-group numbers), utab (without ID=), and
#   the files below SCRATCH (type, mode, owner).
# CASE is bash: a setup part (variables S, M, U are set) and commands run through `run`.
#
# Safety: unshare -m --propagation private; SCRATCH is a fresh tmpfs inside it; /run/mount is a
# private tmpfs; every fstab is a file under SCRATCH (passed with --fstab/-T). Commands only name
# paths under SCRATCH. Loop devices are autoclear and go with the namespace's last mount of them.
set -u
export S=$1 M=$2 U=$3 IMG=$4
CASE=$(cat)
export CASE
mkdir -p "$S"
exec unshare -m --propagation private bash -c '
set -u
/usr/bin/mount -t tmpfs tmpfs /run/mount || exit 90
# libblkid keeps a cache of tags it has seen (default /run/blkid/blkid.tab, shared by the host):
# each run starts without one, so earlier runs cannot lend util-linux a device for a tag.
export BLKID_FILE=/run/mount/.blkid.tab
/usr/bin/mount -t tmpfs -o size=16m difftest "$S" || exit 90
cd "$S" || exit 90
mkdir a b c "sp ace" a/sub
echo data > f
ln -s a l
ln -s nowhere dangling
cp "$IMG" img
: > fstab
run() {
  local out rc name=$1 bin=$2
  shift 2
  printf "\$ %s %s\n" "$name" "$*"
  # argv[0] is the bare name, as when run from PATH (getopt messages start with it).
  out=$(timeout -k 5 60 bash -c "n=\$1; shift; exec -a \"\$n\" \"\$@\"" _ "$name" "$bin" "$@" 2>"$S/.err" </dev/null); rc=$?
  printf "rc %d\n" "$rc"
  [ -n "$out" ] && printf "%s\n" "$out" | sed -e "s/^/1> /" -e "s/loop[0-9]\+/loopN/g"
  [ -s "$S/.err" ] && sed -e "s/^/2> /" -e "s/loop[0-9]\+/loopN/g" "$S/.err"
  rm -f "$S/.err"
  return 0
}
mount() { run mount "$M" "$@"; }
umount() { run umount "$U" "$@"; }
eval "$CASE"
echo "== mounts"
awk -v s="$S" '"'"'
  function unm(x) { gsub(/\\040/, " ", x); return x }
  { t = unm($5) }
  t == s || index(t, s "/") == 1 {
    for (i = 7; $i != "-"; i++) ;
    prop = ""
    for (j = 7; j < i; j++) { p = $j; sub(/:[0-9]+$/, "", p); prop = prop (prop ? "," : "") p }
    src = $(i + 2); gsub(/loop[0-9]+/, "loopN", src)
    print substr(t, length(s) + 1) "/", $4, $6, (prop ? prop : "private"), $(i + 1), src, $(i + 3)
  }'"'"' /proc/self/mountinfo
echo "== utab"
[ -f /run/mount/utab ] && sed -e "s/^ID=[0-9]* //" -e "s/ UNIQID=[0-9]*//" -e "s/loop[0-9]\\+/loopN/g" /run/mount/utab
echo "== files"
find . -xdev -path ./.err -prune -o -printf "%p %y %m %u %g\n" 2>/dev/null | sort
# The run is over: take everything down in this namespace and wait for the loop devices it set up
# (autoclear) to be released, so the next run starts from the same state.
cd /
/usr/bin/umount -R -l "$S" 2>/dev/null
for i in $(seq 100); do
  /usr/sbin/losetup -l -n -O BACK-FILE 2>/dev/null | grep -q "^$S/" || break
  sleep 0.05
done
exit 0
'
