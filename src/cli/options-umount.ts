// tsumount's options: util-linux 2.42's sys-utils/umount.c longopts[] (in its order) and excl[];
// the --help page.
import { CommandSpec, HelpLine, OptionSpec, optionLines } from './optspec';

/**
 * umount.c's excl[] rows: { 'A','a' }, { 'R','a' }, { 'O','R','t' }, { 'R','r' }. -O is left out
 * of the third: umount.c's rows are not in ASCII order ('R' before 'O'), and err_exclusive_options()
 * stops at the first row that starts after the option, so it never records -O: -O with -R is accepted.
 */
type UmountExclusive = 'all-targets-all' | 'recursive-all' | 'recursive-types' | 'recursive-read-only';

export type UmountOptionSpec = OptionSpec<UmountExclusive>;

export const UMOUNT: CommandSpec<UmountOptionSpec, UmountExclusive> = {
  exclusive: ['all-targets-all', 'recursive-all', 'recursive-types', 'recursive-read-only'],
  options: [
    { short: 'a', long: ['all'], arg: 'none', exclusive: ['all-targets-all', 'recursive-all'], help: { text: 'unmount all filesystems' } },
    {
      short: 'A', long: ['all-targets'], arg: 'none', exclusive: ['all-targets-all'],
      help: { text: 'unmount all mountpoints for the given device in the\n                           current namespace' },
    },
    { short: 'd', long: ['detach-loop'], arg: 'none', help: { text: 'if mounted loop device, also free this loop device' } },
    { long: ['fake'], arg: 'none', help: { text: 'dry run; skip the umount(2) syscall' } },
    { short: 'f', long: ['force'], arg: 'none', help: { text: 'force unmount (in case of an unreachable NFS system)' } },
    { short: 'h', long: ['help'], arg: 'none', exits: true, help: { text: 'display this help' } },
    { short: 'i', long: ['internal-only'], arg: 'none', help: { text: "don't call the umount.<type> helpers" } },
    { short: 'l', long: ['lazy'], arg: 'none', help: { text: 'detach the filesystem now, clean up things later' } },
    { short: 'c', long: ['no-canonicalize'], arg: 'none', help: { text: "don't canonicalize paths" } },
    { short: 'n', long: ['no-mtab'], arg: 'none', help: { text: "don't write to /etc/mtab" } },
    { short: 'q', long: ['quiet'], arg: 'none', help: { text: "suppress 'not mounted' error messages" } },
    {
      short: 'r', long: ['read-only'], arg: 'none', exclusive: ['recursive-read-only'],
      help: { text: 'in case unmounting fails, try to remount read-only' },
    },
    {
      short: 'R', long: ['recursive'], arg: 'none', exclusive: ['recursive-all', 'recursive-types', 'recursive-read-only'],
      help: { text: 'recursively unmount a target with all its children' },
    },
    { short: 'O', long: ['test-opts'], arg: 'required', help: { value: '<list>', text: 'limit the set of filesystems (use with -a)' } },
    {
      short: 't', long: ['types'], arg: 'required', exclusive: ['recursive-types'],
      help: { value: '<list>', text: 'limit the set of filesystem types' },
    },
    { short: 'v', long: ['verbose'], arg: 'none', help: { text: 'say what is being done' } },
    { short: 'V', long: ['version'], arg: 'none', exits: true, help: { text: 'display version' } },
    { short: 'N', long: ['namespace'], arg: 'required', help: { value: '<ns>', text: 'perform umount in another namespace' } },
    // util-linux master (after 2.42): not mounted or not there is success, silently (root only).
    // Own: util-linux 2.42 reads every other long option (and its abbreviations) as before.
    { short: 'g', long: ['graceful'], arg: 'none', own: true, help: { text: 'exit successfully if the target is not mounted' } },
    { long: ['id'], arg: 'required', own: true, help: { value: '<num>', text: 'unmount the mount with this mount ID' } },
    { long: ['uniq-id'], arg: 'required', own: true, help: { value: '<num>', text: 'unmount the mount with this 64-bit mount ID' } },
  ],
};

/** tsumount --help, laid out as util-linux's. */
export function umountHelpPage(p: string): HelpLine[] {
  return [
    'Usage:',
    ` ${p} [-hV]`,
    ` ${p} -a [options]`,
    ` ${p} [options] <source> | <directory>`,
    '',
    'Unmount filesystems.',
    '',
    'Options:',
    ...optionLines('a', 'A', 'c', 'd', 'fake', 'f', 'i', 'n', 'l', 'O', 'R', 'r', 't', 'v', 'q', 'g', 'N', 'id', 'uniq-id'),
    '',
    ...optionLines('h', 'V'),
    '',
    `For more details see ${p === 'umount' ? 'umount' : 'tsumount'}(8).`,
  ];
}
