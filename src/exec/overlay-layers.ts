// Overlay layer lists of any length. fsconfig() copies a string value of at most 255 bytes and
// mount(2) one page of options, so `lowerdir=L1:L2:…` of hundreds of layers fits neither. Since
// Linux 6.8 overlayfs takes one layer per call: `lowerdir+` (and `datadir+` for data-only layers),
// each a path string or, for a path of 256 bytes or more, an O_PATH fd (FSCONFIG_SET_FD).

/** fsconfig() copies string values with strndup_user(value, 256). */
export const FSCONFIG_VALUE_MAX = 255;

export interface LayerParam {
  key: 'lowerdir+' | 'datadir+';
  /** The layer's path, unescaped. */
  path: string;
}

/**
 * The layers of an overlay `lowerdir=` value, as overlayfs reads it: `:` separates layers, `\`
 * escapes the next character (a `:` or `\` in a path), and `::` starts the data-only layers.
 */
export function splitLowerdir(value: string): LayerParam[] {
  const out: LayerParam[] = [];
  let key: LayerParam['key'] = 'lowerdir+';
  let cur = '';
  let empty = true;
  const push = (): void => {
    if (!empty) out.push({ key, path: cur });
    else if (out.length) key = 'datadir+'; // "::": what follows are data-only layers
    cur = '';
    empty = true;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      cur += value[++i];
      empty = false;
    } else if (c === ':') push();
    else {
      cur += c;
      empty = false;
    }
  }
  push();
  return out;
}

/** A `lowerdir=` of an overlay that fsconfig() cannot take in one value: it goes layer by layer. */
export function layeredLowerdir(fstype: string, key: string, value: string | undefined): LayerParam[] | undefined {
  if (fstype !== 'overlay' || key !== 'lowerdir' || value === undefined) return undefined;
  return Buffer.byteLength(value) > FSCONFIG_VALUE_MAX ? splitLowerdir(value) : undefined;
}

/** Overlay options that name a directory: a longer path than fsconfig() copies goes as an fd. */
export const OVERLAY_DIR_KEYS = new Set(['upperdir', 'workdir', 'lowerdir+', 'datadir+']);
