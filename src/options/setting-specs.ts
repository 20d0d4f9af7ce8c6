// What an option means for a mount request: the typed setting it fills and how its value is read.
// The option table (table.ts) names, for each option that means something beyond a flag, one of
// these specs; options/settings.ts reads a merged option list into a MountSettings record. A new
// X-mount.* option is one table line, one spec here, and the stage that uses its setting.
import { parseIdmap } from './idmap-value';

/** Everything the userspace options of a request ask for, typed. */
export interface MountSettings {
  /** X-mount.mkdir[=MODE] (or x-mount.mkdir): create the target first, with this mode. */
  mkdir?: { mode: number };
  /** X-mount.owner=USER: the root of the new mount gets this owner. */
  ownerUid?: number;
  /** X-mount.group=GROUP */
  ownerGid?: number;
  /** X-mount.mode=MODE: the root of the new mount gets this mode. */
  rootMode?: number;
  /** X-mount.subdir=DIR: attach this directory of the new filesystem instead of its root. */
  subdir?: string;
  /** X-mount.idmap=MAP|PATH: an idmapped mount. */
  idmap?: string;
  /** X-mount.nocanonicalize[=source|target]: the path(s) used as given. */
  noCanonicalize?: { source: boolean; target: boolean };
  /** X-mount.noloop: never set up a loop device for a regular file. */
  noLoop?: boolean;
  /** X-mount.auto-fstypes=LIST: the types a probed filesystem may have (a -t style pattern). */
  autoFstypes?: string;
  /** loop[=/dev/loopN]: a loop device, this one when named. */
  loop?: { device?: string };
  /** offset=, sizelimit= of the loop device, as written (sizes are read when a device is set up). */
  offset?: string;
  sizelimit?: string;
  /** nofail: a missing device is no error. */
  nofail?: boolean;
  /** helper=TYPE: the umount.TYPE helper to call (recorded in utab). */
  helper?: string;
  /** An option this build refuses (encryption=, verity.*): never set, the value reader throws. */
  refused?: never;
}

/** Ways to look names up, injected so that this layer reads no file. */
export interface SettingContext {
  userId(name: string): number | undefined;
  groupId(name: string): number | undefined;
}

/** A value the option does not accept: util-linux's "failed to parse mount options" (with this errno text). */
export class BadOptionValue extends Error {
  constructor(readonly errnoText?: string) {
    super(errnoText ?? 'bad option value');
    this.name = 'BadOptionValue';
  }
}

export interface SettingSpecOf<K extends keyof MountSettings> {
  readonly field: K;
  /** The setting from the option's value (undefined: the option was given without "="). */
  readonly read: (value: string | undefined, ctx: SettingContext) => MountSettings[K];
}

/** One spec, whatever its field (the table stores these). */
export type SettingSpec = { [K in keyof MountSettings]-?: SettingSpecOf<K> }[keyof MountSettings];

function octal(v: string): number {
  if (!/^[0-7]{1,4}$/.test(v)) throw new BadOptionValue();
  return parseInt(v, 8);
}

function spec<K extends keyof MountSettings>(field: K, read: SettingSpecOf<K>['read']): SettingSpecOf<K> {
  return { field, read };
}

export const SETTING = {
  mkdir: spec('mkdir', (v) => ({ mode: v ? octal(v) : 0o755 })),
  ownerUid: spec('ownerUid', (v, ctx) => {
    const n = ctx.userId(v ?? '');
    if (n === undefined) throw new BadOptionValue('Invalid argument');
    return n;
  }),
  ownerGid: spec('ownerGid', (v, ctx) => {
    const n = ctx.groupId(v ?? '');
    if (n === undefined) throw new BadOptionValue('Invalid argument');
    return n;
  }),
  rootMode: spec('rootMode', (v) => octal(v ?? '')),
  subdir: spec('subdir', (v) => v ?? ''),
  idmap: spec('idmap', (v) => {
    if (!v || !parseIdmap(v)) throw new BadOptionValue();
    return v;
  }),
  // "source" or "target" keeps that path as given; no value (or anything else) both.
  noCanonicalize: spec('noCanonicalize', (v) => ({
    source: !v || v === 'source',
    target: !v || v === 'target',
  })),
  noLoop: spec('noLoop', () => true),
  // An empty list allows every type (libmount reads no value then).
  autoFstypes: spec('autoFstypes', (v) => v || undefined),
  loop: spec('loop', (v) => ({ device: v || undefined })),
  offset: spec('offset', (v) => v ?? ''),
  sizelimit: spec('sizelimit', (v) => v ?? ''),
  nofail: spec('nofail', () => true),
  helper: spec('helper', (v) => v || undefined),
  refused: spec('refused', () => {
    throw new BadOptionValue();
  }),
} as const;
