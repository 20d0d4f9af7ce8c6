// Overlay mounts with layer lists of any length, for library users: a filesystem context with the
// layers set one per call (lowerdir+ / datadir+, Linux 6.8), each a path or an open directory fd
// (FSCONFIG_SET_FD), so neither fsconfig's 255-byte values nor mount(2)'s page limit the list.
import { FsContext, Described } from './fd';

/** A directory given by path or by an open fd (O_PATH or O_RDONLY|O_DIRECTORY). */
export type LayerRef = string | number;

export interface OverlayLayers {
  /** Lower layers, uppermost first (as in lowerdir=). */
  lower: readonly LayerRef[];
  /** Data-only lower layers (after "::" in lowerdir=; Linux 6.5+). */
  data?: readonly LayerRef[];
  /** The writable layer and its work directory (both or neither). */
  upper?: LayerRef;
  work?: LayerRef;
  /** The source shown in listings (default "overlay"). */
  source?: string;
  /** Other overlay parameters (redirect_dir, metacopy, index, uuid …): a flag without a value. */
  params?: Readonly<Record<string, string | undefined>>;
}

function setRef(ctx: FsContext, key: string, ref: LayerRef): void {
  if (typeof ref === 'number') ctx.setFd(key, ref);
  else ctx.set(key, ref);
}

/**
 * An overlay filesystem context with every layer set, not yet created: call create() and mount(),
 * then attach the MountFd where it belongs (`overlayContext(l).create().mount().moveTo('/mnt')`).
 * A path of 256 bytes or more must be given as an fd.
 */
export function overlayContext(layers: OverlayLayers, o: Described = {}): FsContext {
  const ctx = FsContext.open('overlay', o);
  try {
    ctx.set('source', layers.source ?? 'overlay');
    for (const l of layers.lower) setRef(ctx, 'lowerdir+', l);
    for (const l of layers.data ?? []) setRef(ctx, 'datadir+', l);
    if (layers.upper !== undefined) setRef(ctx, 'upperdir', layers.upper);
    if (layers.work !== undefined) setRef(ctx, 'workdir', layers.work);
    for (const [k, v] of Object.entries(layers.params ?? {})) ctx.set(k, v);
    return ctx;
  } catch (e) {
    ctx.close();
    throw e;
  }
}

/** overlayfs's escaping of one layer in a lowerdir= list (`\` and `:` escaped). */
export function escapeLayer(path: string): string {
  return path.replace(/[\\:]/g, (c) => `\\${c}`);
}
