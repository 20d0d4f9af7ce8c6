// The kind of a mount request, decided once from its merged options (the planner and the stages
// of preparation read it; none decides it again).
import { ResolvedOptions } from '../options/resolve';

/**
 * - `move`: --move / -o move;
 * - `remount`: -o remount (with bind: per-mount flags only);
 * - `bind`: --bind / --rbind / -o bind;
 * - `propagation`: only propagation flags, no source (or "none") and no type (--make-shared DIR);
 * - `mount`: a new filesystem instance (or a helper's mount).
 */
export type RequestKind = 'mount' | 'bind' | 'move' | 'remount' | 'propagation';

export function requestKind(o: ResolvedOptions, source: string | undefined, fstype: string | undefined): RequestKind {
  if (o.move) return 'move';
  if (o.remount) return 'remount';
  if (o.bind) return 'bind';
  if (o.propagation.length && (source === undefined || source === 'none') && fstype === undefined) return 'propagation';
  return 'mount';
}
