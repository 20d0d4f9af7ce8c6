// Option strings built from a merged list, for helpers, utab and -v/--fake output.
import { lookupOption } from './table';
import { OptionItem, formatItem } from './parse';

/**
 * Options for /sbin/mount.TYPE: "rw" or "ro" first, then every option that is
 * not marked "not for helpers" (defaults, noauto, comment=, x-*, X-*, loop, propagation, move …).
 */
export function helperOptionString(items: readonly OptionItem[], readOnly: boolean): string {
  const out = [readOnly ? 'ro' : 'rw'];
  for (const it of items) {
    const def = lookupOption(it.name);
    if (def && (def.noHelper || def.cls === 'rdonly')) continue;
    out.push(formatItem(it));
  }
  return out.join(',');
}

/**
 * Userspace options util-linux keeps in /run/mount/utab (x-*, _netdev, user=, helper=, uhelper=).
 * loop= is left out: tsmount's loop devices are autoclear, and libmount drops loop= for those.
 */
export function utabOptionString(items: readonly OptionItem[]): string {
  const out: string[] = [];
  for (const it of items) {
    const def = lookupOption(it.name);
    if (!def || def.cls !== 'userspace' || def.noUtab || it.name === 'loop') continue;
    out.push(formatItem(it));
  }
  return out.join(',');
}
