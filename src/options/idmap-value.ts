// The value of X-mount.idmap, parsed (pure: the namespace itself is made in exec/idmap.ts).

export interface IdMapEntry {
  kind: 'u' | 'g' | 'b';
  inner: number;
  outer: number;
  count: number;
}

/** Parse "[u:|g:|b:]INNER:OUTER:COUNT [...]" (blank-separated); a path means an existing namespace. */
export function parseIdmap(value: string): { path: string } | { entries: IdMapEntry[] } | undefined {
  const v = value.trim();
  if (v.startsWith('/')) return { path: v };
  const entries: IdMapEntry[] = [];
  for (const tok of v.split(/\s+/)) {
    const m = /^(?:([ugb]):)?([0-9]+):([0-9]+):([0-9]+)$/.exec(tok);
    if (!m) return undefined;
    entries.push({ kind: (m[1] as 'u' | 'g' | 'b' | undefined) ?? 'b', inner: Number(m[2]), outer: Number(m[3]), count: Number(m[4]) });
  }
  return entries.length ? { entries } : undefined;
}
