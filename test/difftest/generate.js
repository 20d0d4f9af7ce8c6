'use strict';
// Generated difftest cases: command lines and fstabs for mount(8)/umount(8), as fast-check
// arbitraries. A case is bash text for test/difftest/case.sh: optional fstab lines, then 1–4
// commands (`mount ARGS` / `umount ARGS`, run through the implementation under test).
//
// Everything names paths below the scratch directory $S only (a, b, c, a/sub, "sp ace", a file f,
// symlinks l and dangling, an ext2 image img labelled $LBL, missing paths), so a case can never
// reach the host's mounts: remounts, -a, -R and -r all stay inside $S. `umount -a` is always
// narrowed with -O x-dt, an option only this case's own mounts can carry.
const fc = require('fast-check');

// The image's label and UUID come from the runner ($LBL, $UUID): one per worker, so that a tag
// lookup never finds another worker's image.

const q = (s) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const path = fc.constantFrom('$S/a', '$S/b', '$S/c', '$S/a/sub', '"$S/sp ace"', '$S/f', '$S/l', '$S/dangling', '$S/nx',
  '$S/nx/deeper', 'a', 'b', './c', '$S/a/../b', '$S/b/');
const dir = fc.constantFrom('$S/a', '$S/b', '$S/c', '$S/a/sub', '"$S/sp ace"', 'b', '$S/a/../c');
const tmpfsSource = fc.constantFrom('tmpfs', 'dt1', 'dt2', 'none', '$S/b', 'LABEL=$LBL');
// Never a source another mount of the host could have (tmpfs, none) for umount: `umount -r tmpfs`
// would remount a host superblock read-only on EBUSY.

const vfs = ['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'noatime', 'atime', 'relatime', 'strictatime',
  'nodiratime', 'nosymfollow', 'sync', 'async', 'dirsync', 'lazytime', 'ro=vfs', 'ro=fs', 'silent', 'nostrictatime'];
const tmpfsOpts = ['size=1m', 'size=2M', 'size=0x200000', 'mode=0700', 'mode=1777', 'uid=0', 'gid=0', 'nr_inodes=64',
  'huge=never', 'bogus_opt', 'size=bad', 'mode="0750"'];
const userspace = ['x-dt', 'x-foo=1', 'x-foo=2', 'X-mount.mkdir', 'X-mount.mkdir=0700', 'X-mount.mode=0750',
  'X-mount.owner=0', 'X-mount.group=root', 'user', 'users', 'owner', 'group', 'nofail', 'noauto', 'auto', 'defaults',
  '_netdev', 'comment=c', 'user=someone', 'uhelper=x'];
const weird = ['', 'ro=bad', 'noexec=x', 'X-mount.mode=999', 'X-mount.owner=nosuchuser', ',', 'x-a="b,c"'];
const propagation = ['shared', 'private', 'slave', 'unbindable', 'rshared', 'rprivate'];

/** An -o value: a few options from the given pools, comma-joined. */
function optionString(...pools) {
  const all = pools.flat();
  return fc.array(fc.constantFrom(...all), { minLength: 1, maxLength: 4 }).map((l) => l.join(','));
}

const withOpts = (pools) => fc.option(optionString(...pools), { nil: undefined, freq: 3 })
  .map((o) => (o === undefined ? '' : ` -o ${q(o)}`));

const tmpfsMount = fc.tuple(
  fc.constantFrom('-t tmpfs', '-t tmpfs', '--types tmpfs', '-t nosuchfs', '-t foo,tmpfs', '-t notmpfs', '-t auto', ''),
  withOpts([vfs, tmpfsOpts, userspace, ['x-dt'], ['x-dt']]), tmpfsSource, path,
  fc.constantFrom('', '', '', ' -n', ' -f', ' --onlyonce', ' -v', ' -c', ' -w', ' -r', ' --options-source=disable'),
).map(([t, o, s, p, flag]) => `mount ${t}${o}${flag} ${s} ${p}`.replace(/ +/g, ' '));

const bind = fc.tuple(fc.constantFrom('--bind', '-B', '--rbind', '-R', '-o bind', '-o rbind'),
  withOpts([vfs, userspace, propagation, ['x-dt']]), path, path,
  fc.constantFrom('', '', ' -n', ' --onlyonce', ' -t tmpfs', ' -o X-mount.nocanonicalize'),
).map(([b, o, s, p, flag]) => `mount ${b}${o}${flag} ${s} ${p}`);

const move = fc.tuple(fc.constantFrom('--move', '-M', '-o move'), withOpts([['ro', 'nosuid', 'noexec', 'rw', 'shared']]), path, path)
  .map(([m, o, s, p]) => `mount ${m}${o} ${s} ${p}`);

const remount = fc.tuple(fc.constantFrom('remount', 'remount,bind'), fc.array(fc.constantFrom(...vfs, 'size=3m', 'x-dt', 'x-foo=3', 'bogus'),
  { maxLength: 3 }), path)
  .map(([r, l, p]) => `mount -o ${q([r, ...l].join(','))} ${p}`);

const makeProp = fc.tuple(fc.constantFrom(...propagation.map((p) => `--make-${p}`)), path).map(([f, p]) => `mount ${f} ${p}`);

const fstabLookup = fc.tuple(
  fc.constantFrom('$S/a', '$S/b', 'b', 'dt1', 'LABEL=$LBL', `'LABEL="'$LBL'"'`, '-L $LBL', 'UUID=$UUID', '-U $UUID',
    '$S/img', '$S/nx', '--target $S/a', '--source dt1', '--source dt1 --target $S/b'),
  fc.constantFrom('', '', ' -o ro', ' -o x-foo=9', ' --options-mode=ignore', ' --options-mode=append -o noexec',
    ' --options-source=fstab', ' --options-source-force'),
).map(([a, o]) => `mount --fstab $S/fstab${o} ${a}`);

const all = fc.tuple(fc.constantFrom('', ' -t tmpfs', ' -t nonfs', ' -t ext2,tmpfs', ' -O x-dt', ' -O no_netdev', ' -O noauto'),
  // (no --fork: util-linux's children mount in parallel, so the mount table's order is not reproducible)
  fc.constantFrom('', '', ' -f', ' -v', ' -n', ' -o remount,ro'))
  // -a -o remount walks the mount table, not fstab: every mount of the namespace, host superblocks
  // included (a remount,ro of /proc or /dev/shm here is one of the host's). Only -O x-dt, an option
  // only this case's own mounts carry, keeps it inside $S.
  .map(([f, g]) => `mount -a --fstab $S/fstab${g.includes('remount') ? ` -O x-dt${f.startsWith(' -t') ? f : ''}` : f}${g}`);

const loop = fc.tuple(fc.constantFrom('', '', ' -o loop', ' -o ro', ' -o offset=0', ' -o loop,offset=0x0', ' -o offset=1K',
  ' -o sizelimit=4M', ' -t ext2', ' -t ext4', ' -o x-dt', ' -o offset=1M,offset=0'), fc.constantFrom('$S/img', 'img'), dir)
  .map(([o, s, p]) => `mount${o} ${s} ${p}`);

const umount = fc.tuple(fc.constantFrom('', '', '', ' -l', ' -f', ' -R', ' -d', ' -n', ' -r', ' -c', ' -v', ' --recursive -v', ' -q'),
  fc.constantFrom(...['$S/a', '$S/b', '$S/c', '$S/a/sub', '"$S/sp ace"', '$S/f', '$S/l', '$S/nx', 'a', 'dt1', '$S/img', '$S/b/']))
  .map(([f, p]) => `umount${f} ${p}`);

const umountAll = fc.constantFrom('umount -a -O x-dt', 'umount -a -t tmpfs -O x-dt', 'umount -a -O x-dt -v', 'umount -a -O x-dt,nonosuid');

const badUsage = fc.constantFrom('mount -Z', 'mount $S/a $S/b $S/c', 'mount --bind -t tmpfs $S/a $S/b', 'mount -o',
  'umount', 'umount -Z $S/a', 'mount --source dt1 --target $S/a extra', 'mount -L', 'mount --options-mode=bogus $S/a',
  'mount --move --bind $S/a $S/b', 'mount -t', 'umount --nosuchoption', 'mount --make-shared', 'mount -a $S/a',
  'mount -L x LABEL=y', 'mount --bind', 'mount --mo $S/a $S/b', 'mount --ver', 'umount -A');

const listing = fc.constantFrom('mount -t dttype', 'mount -l -t nosuchfs');

const command = fc.oneof(
  { arbitrary: tmpfsMount, weight: 6 }, { arbitrary: bind, weight: 4 }, { arbitrary: move, weight: 2 },
  { arbitrary: remount, weight: 3 }, { arbitrary: makeProp, weight: 2 }, { arbitrary: fstabLookup, weight: 4 },
  { arbitrary: all, weight: 3 }, { arbitrary: loop, weight: 2 }, { arbitrary: umount, weight: 5 },
  { arbitrary: umountAll, weight: 1 }, { arbitrary: badUsage, weight: 2 }, { arbitrary: listing, weight: 1 },
);

const fstabLine = fc.tuple(
  fc.constantFrom('dt1', 'dt2', 'tmpfs', 'LABEL=$LBL', 'LABEL="$LBL"', 'UUID=$UUID', '$S/img', '$S/a', 'none'),
  fc.constantFrom('$S/a', '$S/b', '$S/c', '$S/a/sub', '$S/sp\\040ace', '$S/nx', '$S/l'),
  fc.constantFrom('tmpfs', 'tmpfs', 'ext2', 'auto', 'foo,tmpfs', 'none', 'nosuchfs'),
  fc.array(fc.constantFrom(...vfs.slice(0, 10), 'size=1m', 'x-dt', 'x-foo=1', 'noauto', 'nofail', 'bind', 'defaults', 'user',
    'X-mount.mkdir', 'loop', 'offset=0'), { minLength: 0, maxLength: 3 }),
).map(([s, t, ty, o]) => `${s} ${t} ${ty} ${o.length ? o.join(',') : 'defaults'} 0 0`);

/**
 * False for an fstab where `mount -a` meets the image ($S/img) before an entry names it by tag.
 * Probed (type auto), libmount's cache then resolves the tag to the image file; mounted through a
 * loop device, the tag names that device, which util-linux finds or not depending on when its
 * libblkid cache last probed all devices (not again within 2 seconds). Order- and time-dependent
 * util-linux quirks tsmount does not copy (docs/tsmount.8.md, DIFFERENCES: tags name block devices).
 */
function noTagAfterImage(lines) {
  const image = lines.findIndex((l) => /^\$S\/img /.test(l));
  return image < 0 || !lines.slice(image + 1).some((l) => /^(LABEL|UUID)=/.test(l));
}

/** One case: bash for case.sh. */
const testCase = fc.tuple(
  fc.array(fstabLine, { maxLength: 4 }).filter(noTagAfterImage),
  fc.boolean(),
  fc.array(command, { minLength: 1, maxLength: 4 }),
).map(([lines, broken, cmds]) => {
  const fstab = [...lines, ...(broken && lines.length ? ['this line is broken'] : [])];
  const setup = fstab.length ? `cat > "$S/fstab" <<EOF\n${fstab.join('\n')}\nEOF\n` : '';
  return `${setup}${cmds.join('\n')}\n`;
});

/**
 * Why a case could reach mounts outside $S, or undefined. The generator never makes such a case;
 * this is the check that it did not (run.js refuses to run one).
 */
function unsafe(text) {
  for (const line of text.split('\n')) {
    if (!/^(mount|umount) /.test(line)) continue;
    const all = /(^| )(-a|--all)( |$)/.test(line);
    if (all && /remount/.test(line) && !/ -O x-dt/.test(line)) return `-a with remount not narrowed by -O x-dt: ${line}`;
    if (all && line.startsWith('umount') && !/ -O x-dt/.test(line)) return `umount -a not narrowed by -O x-dt: ${line}`;
  }
  return undefined;
}

/** `count` cases from `seed` (the same seed gives the same cases). */
function generate(count, seed) {
  return fc.sample(testCase, { numRuns: count, seed });
}

module.exports = { generate, unsafe };
