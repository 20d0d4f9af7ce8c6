'use strict';
// Overlay layer lists of any length (issue 14): 300 lower layers with long names — about 20 KiB of
// lowerdir=, past fsconfig's 255-byte values and mount(2)'s 4 KiB page — mounted by the fd-based
// executor one layer per fsconfig("lowerdir+") call, from the command line, from fstab, and through
// the library (paths, and fds with FSCONFIG_SET_FD); listed, remounted read-only, unmounted; the
// dry run shows the per-layer calls. util-linux 2.42.2 fails such a mount (its issue #2287). The
// mount(2) executor cannot carry such a list: a clear refusal. Private namespaces (helpers/ns.js).
const test = require('ava');
const path = require('path');
const { batch, runInNamespace, describe } = require('../helpers/ns');
const { mountAt } = require('./devices-helpers');

const ROOT = path.resolve(__dirname, '..', '..');
const N = 300;
const LAYERS = `L=
for i in $(seq 1 ${N}); do d=$D/ov/lower-layer-with-quite-a-long-name-so-the-list-is-long-$i; mkdir -p $d; echo $i > $d/f$i; L=\${L:+$L:}$d; done
mkdir -p $D/ov/upper $D/ov/work $D/m $D/m2
echo data > $D/ov/lower-layer-with-quite-a-long-name-so-the-list-is-long-1/top
st_cmd "lowerdir bytes" sh -c "printf %s \\"$L\\" | wc -c"`;

batch(test, [
  {
    name: 'cli',
    title: `${N} lower layers from the command line: mounted layer by layer, listed, remounted read-only, unmounted`,
    executors: ['fd'],
    script: `${LAYERS}
tm --dry-run -t overlay -o lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work ovl $D/m
tm -t overlay -o lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work ovl $D/m
st_cmd "layers in mountinfo" sh -c "grep ' $D/m ' /proc/self/mountinfo | tr ',' '\\n' | grep -c '^lowerdir+='"
st_cmd "deepest layer seen" cat $D/m/f${N}
st_cmd "top layer seen" cat $D/m/top
st_cmd "listed" sh -c "\\"$TSM_NODE\\" $TSM_BIN_MOUNT -l -t overlay | grep -c ' on $D/m type overlay '"
tm -o remount,ro $D/m
st_test "read-only now" sh -c "! touch $D/m/new"
tu $D/m`,
    check: (t, r) => {
      t.true(Number(r.checks['lowerdir bytes']) > 16384, 'the list is longer than four pages');
      const dry = r.steps[0];
      t.is(dry.rc, 0);
      t.is(dry.out.filter((l) => /^fsconfig\(\d+, FSCONFIG_SET_STRING, "lowerdir\+", "\$D\/ov\/lower-layer-/.test(l)).length, N);
      t.false(dry.out.some((l) => l.startsWith('mount(')), 'no mount(2) fallback');
      t.deepEqual(r.steps.slice(1).map((s) => [s.cmd.split(' ')[1], s.rc]), [['-t', 0], ['-o', 0], ['$D/m', 0]]);
      t.is(r.checks['layers in mountinfo'], String(N));
      t.is(r.checks['deepest layer seen'], String(N));
      t.is(r.checks['top layer seen'], 'data');
      t.is(r.checks.listed, '1');
      t.is(r.checks['read-only now'], 'yes');
      t.deepEqual(r.mountinfo, [], 'unmounted');
    },
  },
  {
    name: 'fstab',
    title: `${N} lower layers from fstab (mount TARGET)`,
    executors: ['fd'],
    script: `${LAYERS}
mk_fstab <<EOT
ovl-tab $D/m2 overlay lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work 0 0
EOT
tm $D/m2
st_cmd "deepest layer seen" cat $D/m2/f${N}`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0, describe(r));
      t.is(r.checks['deepest layer seen'], String(N));
      t.like(mountAt(r, '$D/m2'), { fstype: 'overlay', source: 'ovl-tab' });
    },
  },
  {
    name: 'mount2',
    title: 'the mount(2) executor cannot carry a list past one page: refused, nothing mounted',
    executors: ['mount2'],
    script: `${LAYERS}
tm -t overlay -o lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work ovl $D/m`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 32);
      t.deepEqual(r.mountinfo, []);
    },
  },
]);

test('the library: mountOverlay with paths, overlayContext with fds (FSCONFIG_SET_FD)', (t) => {
  const script = `${LAYERS}
cat > $D/lib.js <<'EOS'
const lib = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
const fs = require('fs');
const D = process.cwd();
const layers = fs.readdirSync(D + '/ov').filter((n) => n.startsWith('lower-')).sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop())).map((n) => D + '/ov/' + n);
const out = {};
const r = lib.mountOverlay(D + '/m', { lower: layers, upper: D + '/ov/upper', work: D + '/ov/work', source: 'lib-ovl' });
out.paths = [r.kind, r.fstype, fs.readFileSync(D + '/m/f${N}', 'utf8').trim()];
lib.umount(D + '/m');
const fds = layers.map((p) => fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
const ctx = lib.overlayContext({ lower: fds, source: 'lib-fd' });
const mfd = ctx.create().mount();
mfd.moveTo(D + '/m2');
mfd.close(); ctx.close(); fds.forEach((fd) => fs.closeSync(fd));
out.fds = [fs.readFileSync(D + '/m2/f1', 'utf8').trim(), fs.readFileSync(D + '/m2/f${N}', 'utf8').trim()];
out.ro = (() => { try { fs.writeFileSync(D + '/m2/x', 'x'); return 'writable'; } catch (e) { return e.code; } })();
fs.writeFileSync(D + '/out.json', JSON.stringify(out));
EOS
"$TSM_NODE" $D/lib.js 2> $D/lib.err
st_file $D/out.json
st_file $D/lib.err`;
  const r = runInNamespace(script, {});
  const text = r.checks['file $W/out.json'];
  t.not(text, '(missing)', `the library script failed: ${r.checks['file $W/lib.err']}\n${describe(r)}`);
  const out = JSON.parse(text);
  t.deepEqual(out.paths, ['mount', 'overlay', String(N)], `${r.checks['file $W/lib.err']}\n${describe(r)}`);
  t.deepEqual(out.fds, ['1', String(N)]);
  t.is(out.ro, 'EROFS', 'without an upper layer the overlay is read-only');
  t.like(mountAt(r, '$W/m2'), { fstype: 'overlay', source: 'lib-fd' });
});
