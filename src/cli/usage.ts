// -h and -V texts, laid out as util-linux's; each option's line comes from its command's table.
import { packageVersion, FEATURES } from '../version';
import { HelpLine, OptionSpec, optionByKey } from './optspec';
import { MOUNT, mountHelpPage } from './options-mount';
import { UMOUNT, umountHelpPage } from './options-umount';

export function versionLine(prog: string): string {
  return `${prog} from tsmount ${packageVersion()} (libmount-compatible: ${FEATURES.join(', ')})`;
}

/** Descriptions start in column 26 (util-linux's USAGE_OPTSTR layout); a longer left part gets a line of its own. */
const DESCRIPTION_COLUMN = 25;

/** " -T, --fstab <path>      alternative file to /etc/fstab" */
export function optionHelpLine(o: OptionSpec, bare = false): string {
  const names = (o.help.names ?? o.long).map((n) => `--${n}`).join(', ');
  const short = o.short !== undefined ? `-${o.short}${names ? ', ' : ''}` : bare ? '' : '    ';
  const value = o.help.value === undefined ? '' : o.arg === 'optional' ? `[=${o.help.value}]` : ` ${o.help.value}`;
  const left = ` ${short}${names}${value}`;
  return left.length < DESCRIPTION_COLUMN - 1
    ? `${left.padEnd(DESCRIPTION_COLUMN)}${o.help.text}`
    : `${left}\n${' '.repeat(DESCRIPTION_COLUMN)}${o.help.text}`;
}

export function renderHelp(options: readonly OptionSpec[], page: readonly HelpLine[]): string {
  return page.map((l) => (typeof l === 'string' ? l : optionHelpLine(optionByKey(options, l.option), l.bare))).join('\n');
}

export function mountUsage(p: string): string {
  return renderHelp(MOUNT.options, mountHelpPage(p));
}

export function umountUsage(p: string): string {
  return renderHelp(UMOUNT.options, umountHelpPage(p));
}
