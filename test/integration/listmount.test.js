'use strict';
// Issue 13: mount tables from listmount(2) + statmount(2) where /proc/self/mountinfo is slow.
// A tmpfs made shared and bound 200 times, and a slave namespace of it (unshare --propagation
// slave), where every one of those mounts is a slave and mountinfo's propagate_from: walks the
// peer group for each. There:
//  - the listing (classic, -t, --json, --output) is the system mount's byte for byte, the same
//    from statmount as from mountinfo (TSMOUNT_MOUNT_TABLE forces either), and the default reads
//    no more of mountinfo than the first 8 KiB that show the table is not small (strace);
//  - mount -a (second run), remount, umount -R, umount -a work without reading mountinfo;
//    mount -a asks statx + statmount per fstab entry, umount -R lists only its subtree.
// In the test's own namespace (private: no slave) the default listing reads mountinfo (its first
// 8 KiB show the table is not small, a sample of listmount's IDs asked with statmount has no slave).
const test = require('ava');
const { spawnSync } = require('child_process');
const { runInNamespace, noLoopLeak, describe } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const N = 200;
const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;

// Runs in the slave namespace: $1 node, $2 tsmount, $3 tsumount, $4 the system mount, $5 $D.
const SLAVE = `
NODE=$1 TM=$2 TU=$3 SM=$4 D=$5
cd "$D/out" || exit 3
traced() { # FILE CMD...: under strace when there is one
  local f=$1; shift
  if command -v strace >/dev/null; then strace -f -qq -o "$f" "$@"; else "$@"; fi
}
calls() { # FILE: "<statmount> <listmount> <mountinfo opens>" (statmount 457, listmount 458)
  [ -f "$1" ] || { echo "no strace"; return; }
  # only the calls themselves: strace also shows the first bytes of each read(), the bundle's source among them
  echo "$(grep -c '^[0-9]* *\\(syscall_0x1c9\\|statmount\\)(' "$1") $(grep -c '^[0-9]* *\\(syscall_0x1ca\\|listmount\\)(' "$1") $(grep -c '^[0-9]* *open.*/proc/[a-z0-9-]*/mountinfo' "$1")"
}
echo "$(grep -c ' master:' /proc/self/mountinfo)" > slaves
# listings
"$SM" > ul.list
traced list.trace "$NODE" "$TM" > auto.list; echo $? > auto.rc
calls list.trace > list.calls
TSMOUNT_MOUNT_TABLE=statmount "$NODE" "$TM" > sm.list
TSMOUNT_MOUNT_TABLE=mountinfo "$NODE" "$TM" > mi.list
"$SM" -t tmpfs > ul.t
"$NODE" "$TM" -t tmpfs > auto.t
for m in statmount mountinfo; do
  TSMOUNT_MOUNT_TABLE=$m "$NODE" "$TM" --json -o TARGET,SOURCE,FSTYPE,OPTIONS,VFS-OPTIONS,FS-OPTIONS,PROPAGATION,ID,PARENT > $m.json
  TSMOUNT_MOUNT_TABLE=$m "$NODE" "$TM" --output TARGET,PROPAGATION,FSTYPE -t tmpfs > $m.out
done
# mount -a: the second run finds every entry mounted
"$NODE" "$TM" -a -T "$D/fstab" > a1.out 2>&1; echo $? > a1.rc
traced a2.trace "$NODE" "$TM" -a -v -T "$D/fstab" > a2.out 2>&1; echo $? > a2.rc
calls a2.trace > a2.calls
# remount of a mount of this namespace
"$SM" -t tmpfs -o size=64k tt "$D/t"
traced rem.trace "$NODE" "$TM" -o remount,ro "$D/t"; echo $? > rem.rc
calls rem.trace > rem.calls
awk -v t="$D/t" '$5 == t { print $6 }' /proc/self/mountinfo > rem.state
# umount -R of a tree with a stacked mount
"$SM" -t tmpfs tree "$D/tree"
for i in 1 2; do mkdir "$D/tree/$i"; "$SM" -t tmpfs t$i "$D/tree/$i"; mkdir "$D/tree/$i/x"; "$SM" -t ramfs r$i "$D/tree/$i/x"; done
"$SM" -t tmpfs over "$D/tree/2"
traced R.trace "$NODE" "$TU" -R -v "$D/tree" > R.out 2>&1; echo $? > R.rc
calls R.trace > R.calls
awk -v t="$D/tree" 'index($5, t) == 1' /proc/self/mountinfo | wc -l > R.left
# umount -a -t ramfs (the namespace has no other ramfs)
for i in 1 2 3; do mkdir -p "$D/ra/$i"; "$SM" -t ramfs ra$i "$D/ra/$i"; done
traced ua.trace "$NODE" "$TU" -a -t ramfs; echo $? > ua.rc
calls ua.trace > ua.calls
awk '$0 ~ / - ramfs /' /proc/self/mountinfo | wc -l > ua.left
`;

const SCRIPT = `mkdir -p src b t tree out ra fsm
smount -t tmpfs -o size=1m peers $D/src
mkdir $D/src/sub
smount --make-shared $D/src
for i in $(seq 1 ${N}); do mkdir b/$i; smount --bind $D/src $D/b/$i; done
# a bind of a subdirectory, read-only and nosuid variants, a space in the mount point
mkdir "b/sp ace" b/sub b/ro
smount --bind $D/src/sub $D/b/sub
smount -o bind,ro,nosuid $D/src "$D/b/ro"
smount --bind $D/src "$D/b/sp ace"
# fstab for mount -a: tmpfs entries and a bind
: > $D/fstab
for i in $(seq 1 20); do mkdir fsm/e$i; echo "tmpfs $D/fsm/e$i tmpfs size=4k 0 0" >> $D/fstab; done
mkdir fsm/bnd; echo "$D/src/sub $D/fsm/bnd none bind 0 0" >> $D/fstab
cat > $D/.slave.sh <<'__SH__'
${SLAVE}
__SH__
st_cmd "slave run" unshare -m --propagation slave bash $D/.slave.sh "$TSM_NODE" "$TSM_BIN_MOUNT" "$TSM_BIN_UMOUNT" "$SM" "$D"
o=$D/out
st_cmd "slaves" cat $o/slaves
st_cmd "list rc" cat $o/auto.rc
st_cmd "list lines" sh -c "wc -l < $o/auto.list"
st_cmd "list = system mount" sh -c "cmp $o/ul.list $o/auto.list && echo same"
st_cmd "list statmount = system mount" sh -c "cmp $o/ul.list $o/sm.list && echo same"
st_cmd "list mountinfo = system mount" sh -c "cmp $o/ul.list $o/mi.list && echo same"
st_cmd "list -t = system mount" sh -c "cmp $o/ul.t $o/auto.t && echo same"
st_cmd "json statmount = mountinfo" sh -c "cmp $o/statmount.json $o/mountinfo.json && echo same"
st_cmd "output statmount = mountinfo" sh -c "cmp $o/statmount.out $o/mountinfo.out && echo same"
st_cmd "list calls" cat $o/list.calls
st_cmd "mount -a first" sh -c "cat $o/a1.rc $o/a1.out"
st_cmd "mount -a second" sh -c "cat $o/a2.rc; grep -c 'already mounted' $o/a2.out; grep -v 'already mounted' $o/a2.out"
st_cmd "mount -a calls" cat $o/a2.calls
st_cmd "remount" sh -c "cat $o/rem.rc $o/rem.state"
st_cmd "remount calls" cat $o/rem.calls
st_cmd "umount -R" sh -c "cat $o/R.rc $o/R.left; sed 's|$D|D|' $o/R.out"
st_cmd "umount -R calls" cat $o/R.calls
st_cmd "umount -a" sh -c "cat $o/ua.rc $o/ua.left"
st_cmd "umount -a calls" cat $o/ua.calls
# in the test's own (private) namespace: no slave, so the listing reads mountinfo
pcalls() { if [ -f "$1" ]; then echo "$(grep -c 'syscall_0x1ca(\\|listmount(' "$1") $(grep -c 'open.*/proc/[a-z0-9-]*/mountinfo' "$1")"; else echo "no strace"; fi; }
if command -v strace >/dev/null; then strace -f -qq -o $o/priv.trace "$TSM_NODE" "$TSM_BIN_MOUNT" > $o/priv.list; fi
st_cmd "private list calls" pcalls $o/priv.trace
# the newest mount alone a slave (a bind of a shared mount, made a slave): the sample asks it too,
# so the listing takes statmount (one per mount) and still lists what util-linux lists
mkdir lone lone2
smount -t tmpfs lone $D/lone
smount --make-shared $D/lone
smount --bind $D/lone $D/lone2
smount --make-slave $D/lone2
scalls() { if [ -f "$1" ]; then grep -c 'syscall_0x1c9(\\|statmount(' "$1"; else echo "no strace"; fi; }
if command -v strace >/dev/null; then strace -f -qq -o $o/newest.trace "$TSM_NODE" "$TSM_BIN_MOUNT" > $o/newest.list; else "$TSM_NODE" "$TSM_BIN_MOUNT" > $o/newest.list; fi
"$SM" > $o/newest.ul
st_cmd "newest slave list = system mount" sh -c "cmp $o/newest.ul $o/newest.list && echo same"
st_cmd "newest slave statmounts" scalls $o/newest.trace`;

test.serial(`a slave namespace of a shared mount bound ${N} times: listing, mount -a, remount, umount -R/-a through listmount/statmount`, (t) => {
  const r = runInNamespace(SCRIPT, { timeout: 300_000 });
  t.log(hasStrace ? 'strace: syscalls checked' : 'no strace: syscall checks skipped');
  const c = r.checks;
  t.is(c['slave run'], '', describe(r));
  // the peer group (src and its binds), each a slave here
  t.true(Number(c.slaves) >= N + 4, c.slaves);
  t.is(c['list rc'], '0');
  t.true(Number(c['list lines']) > N, c['list lines']);
  for (const k of ['list = system mount', 'list statmount = system mount', 'list mountinfo = system mount', 'list -t = system mount',
    'json statmount = mountinfo', 'output statmount = mountinfo']) t.is(c[k], 'same', k);
  t.is(c['mount -a first'], '0');
  const second = c['mount -a second'].split(' | ');
  t.deepEqual(second, ['0', '21'], 'every entry already mounted, nothing else said');
  t.is(c.remount, '0 | ro,relatime');
  // deepest first; on tree/2 the over-mount goes before the mount it covers and what hangs off that
  t.is(c['umount -R'], ['0', '0', 'D/tree/2 unmounted', 'D/tree/2/x unmounted', 'D/tree/2 unmounted',
    'D/tree/1/x unmounted', 'D/tree/1 unmounted', 'D/tree unmounted'].map((l) => (l.length > 1 ? `tsumount: ${l}` : l)).join(' | '));
  t.is(c['umount -a'], '0 | 0');
  t.is(c['newest slave list = system mount'], 'same');
  if (hasStrace) {
    // "<statmount> <listmount> <mountinfo opens>"
    const [sm, lm, mi] = c['list calls'].split(' ').map(Number);
    t.is(mi, 1, 'the listing reads no more of mountinfo than its first 8 KiB (to see the table is not small)');
    // The sample (newest first, the oldest, 7 more probes: 9 calls), then the whole list for
    // statmount; before Linux 6.14 the refused newest-first call, then the whole list for both.
    t.true(lm === 10 || lm === 2, `listmount: a sample, then the whole list (${lm} calls)`);
    t.true(sm > N, `one statmount per mount (${sm})`);
    const [asm, alm, ami] = c['mount -a calls'].split(' ').map(Number);
    t.is(ami, 0, 'mount -a reads no mountinfo');
    // One listmount asking for the newest mount ID (the table as at the first check), never the table.
    t.true(alm <= 1, `nor lists the table (${alm} listmount calls)`);
    t.true(asm >= 21 && asm <= 2 * 21 + 2, `statmount per entry (${asm})`);
    t.is(c['remount calls'], '1 0 0');
    const [rsm, rlm, rmi] = c['umount -R calls'].split(' ').map(Number);
    t.is(rmi, 0, 'umount -R reads no mountinfo');
    t.is(rlm, 1, 'one listmount of the subtree');
    t.true(rsm <= 12, `statmount of the subtree only (${rsm})`);
    t.is(c['umount -a calls'].split(' ')[2], '0', 'umount -a reads no mountinfo');
    // mountinfo is bigger than SMALL (the binds are here too): its first 8 KiB, then listmount's
    // sample for the choice (9 calls; 2 before Linux 6.14, see above; no slave here), then all of mountinfo
    const [plm, pmi] = c['private list calls'].split(' ').map(Number);
    t.true(plm === 9 || plm === 2, `a private namespace: listmount's sample for the choice (${plm} calls)`);
    t.is(pmi, 2, 'then mountinfo');
    t.true(Number(c['newest slave statmounts']) > N, `only the newest mount a slave: statmount chosen (${c['newest slave statmounts']} calls)`);
  }
});
