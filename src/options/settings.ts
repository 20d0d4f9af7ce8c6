// A merged option list read into the typed settings its options declare (setting-specs.ts). For
// each setting the first option that fills it counts, as libmount's mnt_optlist_get_named() finds
// the first; where two spellings fill one setting, the one declared first in the table wins
// (X-mount.mkdir over x-mount.mkdir).
import { OptionItem, optionValue } from './parse';
import { lookupOption, allOptions } from './table';
import { MountSettings, SettingContext, SettingSpec, SettingSpecOf } from './setting-specs';

/** The table's entries that fill a setting, in declaration order, by option name. */
let declared: Map<string, { spec: SettingSpec; rank: number }> | undefined;

function settingOf(name: string): { spec: SettingSpec; rank: number } | undefined {
  if (!declared) {
    declared = new Map();
    allOptions().forEach((d, rank) => {
      if (d.setting && !d.prefix) declared?.set(d.name, { spec: d.setting, rank });
    });
  }
  return lookupOption(name)?.setting ? declared.get(name) : undefined;
}

function fill<K extends keyof MountSettings>(out: MountSettings, s: SettingSpecOf<K>, value: string | undefined, ctx: SettingContext): void {
  out[s.field] = s.read(value, ctx);
}

/** A bare option ("loop") has no value; "loop=" an empty one. */
function valueOf(item: OptionItem): string | undefined {
  return item.raw === undefined ? undefined : optionValue(item) ?? '';
}

/**
 * Every setting the options ask for. Throws BadOptionValue for a value an option does not accept
 * (X-mount.mode=9, X-mount.owner=nosuchuser) and for an option this build refuses (encryption=).
 */
export function readSettings(items: readonly OptionItem[], ctx: SettingContext): MountSettings {
  const out: MountSettings = {};
  const rankOf = new Map<keyof MountSettings, number>();
  for (const item of items) {
    const found = settingOf(item.name);
    if (!found) continue;
    const field = found.spec.field;
    const had = rankOf.get(field);
    if (had !== undefined && had <= found.rank) continue;
    rankOf.set(field, found.rank);
    fill(out, found.spec, valueOf(item), ctx);
  }
  return out;
}

/**
 * One setting only, for readers that need one and must not fail on the others (umount reads
 * helper= and loop= from a utab entry another tool may have written).
 */
export function readSetting<K extends keyof MountSettings>(items: readonly OptionItem[], field: K, ctx: SettingContext): MountSettings[K] | undefined {
  // No options (most utab entries, asked once per mount by umount -a): nothing to read.
  if (items.length === 0) return undefined;
  return readSettings(items.filter((i) => settingOf(i.name)?.spec.field === field), ctx)[field];
}
