// tsmount's options: util-linux 2.42's sys-utils/mount.c longopts[] (in its order) and excl[],
// then tsmount's own; the --help page; the mount options the order-sensitive ones stand for.
import { CommandSpec, HelpLine, OptionSpec, bareOptionLines, keyOf, optionLines } from './optspec';
import type { OrderedOption } from './getopt';

/** mount.c's excl[] rows: { 'B','M','R' } and { 'L','U', MOUNT_OPT_SOURCE }. */
type MountExclusive = 'bind-move-rbind' | 'label-uuid-source';

export interface MountOptionSpec extends OptionSpec<MountExclusive> {
  /** The mount option it stands for, applied in command-line order with -o's (mount.c's append_option calls). */
  readonly adds?: string | ((value: string | undefined) => string);
  /** --map-users / --map-groups: a part of the one X-mount.idmap they build. */
  readonly idmap?: 'u' | 'g';
}

const propagation = (flag: string, text: string): MountOptionSpec =>
  ({ long: [`make-${flag}`], arg: 'none', adds: flag, help: { text } });

export const MOUNT: CommandSpec<MountOptionSpec, MountExclusive> = {
  exclusive: ['bind-move-rbind', 'label-uuid-source'],
  options: [
    { short: 'a', long: ['all'], arg: 'none', help: { text: 'mount all filesystems mentioned in fstab' } },
    { long: ['beneath'], arg: 'none', help: { text: 'attach beneath the mount on top of the mountpoint' } },
    { long: ['exclusive'], arg: 'none', help: { text: 'refuse to reuse an existing superblock' } },
    { short: 'f', long: ['fake'], arg: 'none', help: { text: 'dry run; skip the mount(2) syscall' } },
    { short: 'T', long: ['fstab'], arg: 'required', help: { value: '<path>', text: 'alternative file to /etc/fstab' } },
    { short: 'F', long: ['fork'], arg: 'none', help: { text: 'fork off for each device (use with -a)' } },
    { short: 'h', long: ['help'], arg: 'none', exits: true, help: { text: 'display this help' } },
    { short: 'n', long: ['no-mtab'], arg: 'none', help: { text: "don't write to /etc/mtab" } },
    {
      short: 'r', long: ['read-only', 'ro'], arg: 'none', adds: 'ro',
      help: { names: ['read-only'], text: 'mount the filesystem read-only (same as -o ro)' },
    },
    { short: 'v', long: ['verbose'], arg: 'none', help: { text: 'say what is being done' } },
    { short: 'V', long: ['version'], arg: 'none', exits: true, help: { text: 'display version' } },
    {
      short: 'w', long: ['read-write', 'rw'], arg: 'none', adds: 'rw',
      help: { names: ['rw', 'read-write'], text: 'mount the filesystem read-write (default)' },
    },
    {
      short: 'o', long: ['options'], arg: 'required', adds: (v) => v ?? '',
      help: { value: '<list>', text: 'comma-separated list of mount options' },
    },
    { short: 'O', long: ['test-opts'], arg: 'required', help: { value: '<list>', text: 'limit the set of filesystems (use with -a)' } },
    { short: 't', long: ['types'], arg: 'required', help: { value: '<list>', text: 'limit the set of filesystem types' } },
    {
      short: 'U', long: ['uuid'], arg: 'required', exclusive: ['label-uuid-source'],
      help: { value: '<uuid>', text: 'synonym for UUID=<uuid>' },
    },
    {
      short: 'L', long: ['label'], arg: 'required', exclusive: ['label-uuid-source'],
      help: { value: '<label>', text: 'synonym for LABEL=<label>' },
    },
    {
      short: 'B', long: ['bind'], arg: 'none', adds: 'bind', exclusive: ['bind-move-rbind'],
      help: { text: 'mount a subtree somewhere else (same as -o bind)' },
    },
    {
      short: 'M', long: ['move'], arg: 'none', adds: 'move', exclusive: ['bind-move-rbind'],
      help: { text: 'move a subtree to some other place' },
    },
    {
      short: 'R', long: ['rbind'], arg: 'none', adds: 'rbind', exclusive: ['bind-move-rbind'],
      help: { text: 'mount a subtree and all submounts somewhere else' },
    },
    propagation('shared', 'mark a subtree as shared'),
    propagation('slave', 'mark a subtree as slave'),
    propagation('private', 'mark a subtree as private'),
    propagation('unbindable', 'mark a subtree as unbindable'),
    propagation('rshared', 'recursively mark a whole subtree as shared'),
    propagation('rslave', 'recursively mark a whole subtree as slave'),
    propagation('rprivate', 'recursively mark a whole subtree as private'),
    propagation('runbindable', 'recursively mark a whole subtree as unbindable'),
    {
      long: ['map-groups'], arg: 'required', idmap: 'g',
      help: { value: '<inner>:<outer>:<count>', text: 'add the specified group ID mapping (idmapped mount)' },
    },
    {
      long: ['map-users'], arg: 'required', idmap: 'u',
      help: { value: '<inner>:<outer>:<count>', text: 'add the specified user ID mapping (idmapped mount)' },
    },
    {
      short: 'm', long: ['mkdir'], arg: 'optional', adds: (v) => {
        const mode = withoutEquals(v ?? '');
        return mode ? `X-mount.mkdir=${mode}` : 'X-mount.mkdir';
      },
      help: { value: '<mode>', text: "alias to '-o X-mount.mkdir[=<mode>]'" },
    },
    { short: 'c', long: ['no-canonicalize'], arg: 'none', help: { text: "don't canonicalize paths" } },
    { short: 'i', long: ['internal-only'], arg: 'none', help: { text: "don't call the mount.<type> helpers" } },
    { short: 'l', long: ['show-labels'], arg: 'none', help: { text: 'show also filesystem labels' } },
    { long: ['target'], arg: 'required', help: { value: '<target>', text: 'explicitly specifies mountpoint' } },
    { long: ['target-prefix'], arg: 'required', help: { value: '<path>', text: 'specifies path used for all mountpoints' } },
    {
      long: ['source'], arg: 'required', exclusive: ['label-uuid-source'],
      help: { value: '<src>', text: 'explicitly specifies source (path, label, uuid)' },
    },
    { long: ['onlyonce'], arg: 'none', help: { text: 'check if filesystem is already mounted' } },
    { long: ['options-mode'], arg: 'required', help: { value: '<mode>', text: 'what to do with options loaded from fstab' } },
    { long: ['options-source'], arg: 'required', help: { value: '<source>', text: 'mount options source' } },
    { long: ['options-source-force'], arg: 'none', help: { text: 'force use of options from fstab/mtab' } },
    { short: 'N', long: ['namespace'], arg: 'required', help: { value: '<ns>', text: 'perform mount in another namespace' } },
    // in mount.c's optstring only
    { short: 's', long: [], arg: 'none', help: { text: 'tolerate sloppy mount options (passed to helpers)' } },
    // tsmount's own
    {
      long: ['output'], arg: 'required', own: true,
      help: { value: '<columns>', text: 'list mounts with these columns (with --json, -o also names them)' },
    },
    { long: ['dry-run'], arg: 'none', own: true, help: { text: 'print the system calls the command would make, make none' } },
    { long: ['json'], arg: 'none', own: true, help: { text: "list mounts in findmnt's JSON format" } },
    { long: ['list'], arg: 'none', own: true, help: { text: 'with --json: a flat list instead of the tree' } },
    { long: ['id'], arg: 'required', own: true, help: { value: '<num>', text: 'list only the mount with this mount ID' } },
    { long: ['uniq-id'], arg: 'required', own: true, help: { value: '<num>', text: 'list only the mount with this 64-bit mount ID' } },
    { long: ['poll'], arg: 'optional', own: true, help: { value: '<list>', text: 'print mount, umount, remount and move events (as findmnt --poll)' } },
    { long: ['first-only'], arg: 'none', own: true, help: { text: 'with --poll: stop after the first event' } },
    { long: ['timeout'], arg: 'required', own: true, help: { value: '<ms>', text: 'with --poll or --wait: stop after so many milliseconds' } },
    { long: ['wait'], arg: 'required', own: true, help: { value: '<target>', text: 'return when <target> is mounted (at once if it is)' } },
  ],
};

/** tsmount --help, laid out as util-linux's (whose lines are in another order than longopts[]). */
export function mountHelpPage(p: string): HelpLine[] {
  return [
    'Usage:',
    ` ${p} [-lhV]`,
    ` ${p} -a [options]`,
    ` ${p} [options] [--source] <source> | [--target] <directory>`,
    ` ${p} [options] <source> <directory>`,
    ` ${p} <operation> <mountpoint> [<target>]`,
    '',
    'Mount a filesystem.',
    '',
    'Options:',
    ...optionLines('a', 'c', 'f', 'F', 'T', 'i', 'l', 'm', 'n', 'options-mode', 'options-source', 'options-source-force',
      'onlyonce', 'o', 'O', 'r', 't', 'source', 'target', 'target-prefix', 'v', 'w', 'N', 's', 'map-users', 'map-groups',
      'dry-run', 'json', 'list', 'output', 'id', 'uniq-id', 'poll', 'first-only', 'timeout', 'wait'),
    '',
    ...optionLines('h', 'V'),
    '',
    'Source:',
    ...optionLines('L', 'U'),
    ' LABEL=<label>           specifies device by filesystem label',
    ' UUID=<uuid>             specifies device by filesystem UUID',
    ' PARTLABEL=<label>       specifies device by partition label',
    ' PARTUUID=<uuid>         specifies device by partition UUID',
    ' ID=<id>                 specifies device by udev hardware ID',
    ' <device>                specifies device by path',
    ' <directory>             mountpoint for bind mounts (see --bind/rbind)',
    ' <file>                  regular file for loopdev setup',
    '',
    'Operations:',
    ...optionLines('B', 'M', 'R'),
    ...bareOptionLines('make-shared', 'make-slave', 'make-private', 'make-unbindable', 'make-rshared', 'make-rslave',
      'make-rprivate', 'make-runbindable', 'beneath', 'exclusive'),
    '',
    `For more details see ${p === 'mount' ? 'mount' : 'tsmount'}(8).`,
  ];
}

/**
 * The value of -m, --map-users, --map-groups as mount.c takes it: one '=' in front is dropped
 * (-m=0755, --mkdir==0755 and --map-users==0:1000:1 are read as without it).
 */
export function withoutEquals(v: string): string {
  return v.startsWith('=') ? v.slice(1) : v;
}

const byKey = new Map(MOUNT.options.map((o) => [keyOf(o), o]));

/** The mount options the order-sensitive options stand for (-o, -r, -w, --bind, --make-*…), in command-line order. */
export function optionSequence(ordered: readonly OrderedOption[]): string[] {
  const out: string[] = [];
  for (const o of ordered) {
    const adds = byKey.get(o.key)?.adds;
    if (adds !== undefined) out.push(typeof adds === 'string' ? adds : adds(o.value));
  }
  // --map-users/--map-groups build one X-mount.idmap (a namespace path stands alone).
  const maps = ordered.filter((o) => byKey.get(o.key)?.idmap !== undefined).map((o) => ({ key: o.key, value: withoutEquals(o.value ?? '') }));
  if (maps.length) {
    // A namespace path stands alone (mount.c refuses it with another: checked as getopt reached it).
    const nsPath = maps.find((m) => m.value.startsWith('/'));
    const value = nsPath ? nsPath.value : maps.map((m) => `${byKey.get(m.key)?.idmap}:${m.value}`).join(' ');
    out.push(`X-mount.idmap=${value}`);
  }
  return out;
}
