'use strict';
// Watching mounts (issue 14): tsmount --poll prints mount, remount, move and umount events in
// findmnt --poll's layout (with --poll=LIST, a target filter, --first-only, --json), and --wait
// returns at once for a mounted target and at the mount of one that is not, or exits 32 at its
// timeout. Each case runs with fanotify mount events (Linux 6.15+) and with fanotify made to fail
// (TSMOUNT_FAULT=fanotify_init=ENOSYS), where the table is compared every 100 ms instead.
const test = require('ava');
const { batch, noLoopLeak } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

// A watcher started in the background writes to $D/out; the commands it sees come after it is
// ready (its start-up on a loaded machine takes a while: 2 s).
const WATCH = (args) => `("$TSM_NODE" "$TSM_BIN_MOUNT" ${args} >$D/out 2>&1; echo "rc $?" >>$D/out) &
W=$!; sleep 2`;
const SHOW = 'wait $W; st_cmd out cat $D/out';
const lines = (r) => r.transcript.find((l) => l.startsWith('= out: '))?.slice(7).split(' | ') ?? r.transcript;

batch(test, [
  {
    name: 'poll-all',
    title: '--poll: mount, remount, move and umount, in findmnt --poll\'s layout, until --timeout (exit 0)',
    script: `mkdir a b
${WATCH('--poll --timeout 5000')}
smount -t tmpfs -o size=1m mc-pa $D/a; sleep 0.3
smount -o remount,ro $D/a; sleep 1.2
smount --move $D/a $D/b; sleep 0.3
sumount $D/b
${SHOW}`,
    check: (t, r) => {
      const out = lines(r).filter((l) => !l.startsWith('mount ') || l.includes('$D/'));
      t.deepEqual(out.map((l) => l.replace(/ +/g, ' ')), [
        'ACTION TARGET SOURCE FSTYPE OPTIONS',
        'mount $D/a mc-pa tmpfs rw,relatime,size=1024k',
        'remount $D/a mc-pa tmpfs ro,relatime,size=1024k',
        'move $D/b mc-pa tmpfs ro,relatime,size=1024k',
        'umount $D/b mc-pa tmpfs ro,relatime,size=1024k',
        'rc 0',
      ]);
    },
  },
  {
    name: 'poll-filtered',
    title: '--poll=umount --first-only --json TARGET: only that mount point\'s first unmount, as one JSON object',
    script: `mkdir a b
smount -t tmpfs mc-fa $D/a; smount -t tmpfs mc-fb $D/b
${WATCH('--poll=umount --first-only --json $D/b')}
sumount $D/a; sumount $D/b
${SHOW}`,
    check: (t, r) => t.deepEqual(lines(r), ['{', '   "action": "umount",', '   "target": "$D/b",', '   "source": "mc-fb",',
      '   "fstype": "tmpfs",', '   "options": "rw,relatime"', '}', 'rc 0']),
  },
  {
    name: 'wait',
    title: '--wait: at once when mounted; at the mount otherwise; exit 32 at its timeout',
    script: `mkdir a b c
smount -t tmpfs mc-wa $D/a
tm --wait $D/a
${WATCH('--wait $D/b -v --timeout 20000')}
smount -t tmpfs mc-wb $D/b
${SHOW}
tm --wait $D/c --timeout 300
tm --poll=bogus`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 32, 1]);
      t.deepEqual(lines(r), ['mc-wb on $D/b type tmpfs (rw,relatime)', 'rc 0']);
      t.true(r.transcript.includes('2> mount: $D/c: not mounted within 300 ms'), r.transcript.join('\n'));
      t.true(r.transcript.includes("2> mount: unknown action in 'bogus' (mount, umount, remount, move)"), r.transcript.join('\n'));
    },
  },
], { executors: [{ name: 'fanotify', env: {} }, { name: 'poll', env: { TSMOUNT_FAULT: 'fanotify_init=ENOSYS' } }] });
