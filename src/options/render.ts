// Option strings built from a merged list, for helpers, utab and -v/--fake output.
import { lookupOption } from './table';
import { OptionItem, formatItem } from './parse';
import { hiddenUserName } from './resolve';

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
 * Userspace options util-linux keeps in /run/mount/utab (x-*, _netdev, user, helper=, uhelper=).
 * `loop` is left out when a loop device is set up for the mount (tsmount's are autoclear, and libmount
 * drops loop for those); without one (a pseudo filesystem, --fake) it is kept, as libmount keeps it.
 * The user=NAME libmount hides from everything but helpers (hiddenUserName) is left out.
 */
export function utabOptionString(items: readonly OptionItem[], loopSetUp = true): string {
  const out: string[] = [];
  const hidden = hiddenUserName(items);
  for (const it of items) {
    const def = lookupOption(it.name);
    if (!def || def.cls !== 'userspace' || def.noUtab || (def.noUtabWithLoopDevice && loopSetUp)) continue;
    if (it === hidden) continue;
    out.push(formatItem(it));
  }
  return out.join(',');
}
