// --json and --output COLUMNS for listings, with findmnt's column names and JSON shape
// ({"filesystems": [...]}, lower-case keys, "children" for the tree).
import { ListedMount } from '../lib/list';
import { propagationOf } from '../tables/mountinfo';
import { probeForListing } from '../devices/identify';
import { idmapsOf, IdmapsUnavailable } from '../lib/idmaps';

export const COLUMNS = ['SOURCE', 'TARGET', 'FSTYPE', 'OPTIONS', 'VFS-OPTIONS', 'FS-OPTIONS', 'PROPAGATION', 'ID', 'PARENT',
  'LABEL', 'UUID', 'UIDMAP', 'GIDMAP'] as const;
export type Column = (typeof COLUMNS)[number];
export const DEFAULT_COLUMNS: Column[] = ['TARGET', 'SOURCE', 'FSTYPE', 'OPTIONS'];

export class ColumnError extends Error {}

export function parseColumns(spec: string | undefined): Column[] {
  if (spec === undefined || spec === '') return DEFAULT_COLUMNS;
  const add = spec.startsWith('+');
  const out: Column[] = add ? [...DEFAULT_COLUMNS] : [];
  for (const raw of (add ? spec.slice(1) : spec).split(',')) {
    const c = raw.trim().toUpperCase();
    if (!(COLUMNS as readonly string[]).includes(c)) throw new ColumnError(`unknown column: ${raw}`);
    out.push(c as Column);
  }
  return out;
}

type Value = string | number | null;

/** Set when a UIDMAP/GIDMAP cell could not be filled because the kernel cannot say (the CLI warns once). */
let idmapsUnavailable = false;
export function idmapColumnsUnavailable(): boolean {
  return idmapsUnavailable;
}

function idmapCell(m: ListedMount, which: 'uid' | 'gid'): Value {
  if (idmapsUnavailable) return null;
  try {
    const maps = idmapsOf(m.entry);
    return maps && maps[which].length ? maps[which].join(',') : null;
  } catch (e) {
    if (!(e instanceof IdmapsUnavailable)) throw e;
    idmapsUnavailable = true;
    return null;
  }
}

function cell(m: ListedMount, c: Column, probe: () => { label?: string; uuid?: string }): Value {
  const e = m.entry;
  switch (c) {
    case 'SOURCE': return m.source;
    case 'TARGET': return e.target;
    case 'FSTYPE': return e.fstype;
    case 'OPTIONS': return m.options;
    case 'VFS-OPTIONS': return e.vfsOptions;
    case 'FS-OPTIONS': return e.fsOptions;
    case 'PROPAGATION': return propagationOf(e);
    case 'ID': return e.id;
    case 'PARENT': return e.parent;
    case 'LABEL': return probe().label ?? null;
    case 'UUID': return probe().uuid ?? null;
    case 'UIDMAP': return idmapCell(m, 'uid');
    case 'GIDMAP': return idmapCell(m, 'gid');
  }
}

function rowOf(m: ListedMount, cols: Column[]): Value[] {
  let probed: { label?: string; uuid?: string } | undefined;
  const probe = (): { label?: string; uuid?: string } => {
    if (!probed) probed = m.entry.source.startsWith('/dev/') ? probeForListing(m.entry.source) ?? {} : {};
    return probed;
  };
  return cols.map((c) => cell(m, c, probe));
}

interface JsonNode {
  [key: string]: Value | JsonNode[];
}

/** JSON laid out as libsmartcols (findmnt -J) lays it out: 3-space indent, "},{" between objects. */
function render(v: Value | JsonNode | JsonNode[], indent: string): string {
  if (Array.isArray(v)) {
    const pad = `${indent}   `;
    return `[\n${pad}${v.map((o) => render(o, pad)).join(',')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const pad = `${indent}   `;
    const lines = Object.entries(v).map(([k, x]) => `${pad}${JSON.stringify(k)}: ${render(x, pad)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

/**
 * findmnt -J: a tree (each mount under its nearest listed ancestor, as findmnt nests a filtered
 * table), or a flat list with `list`.
 */
export function formatJson(mounts: ListedMount[], cols: Column[], list: boolean, parents: ReadonlyMap<number, number>): string {
  const node = (m: ListedMount): JsonNode => {
    const o: JsonNode = {};
    rowOf(m, cols).forEach((v, i) => {
      o[cols[i].toLowerCase()] = v;
    });
    return o;
  };
  const nodes = mounts.map(node);
  let top: JsonNode[];
  if (list) top = nodes;
  else {
    const listed = new Map<number, JsonNode>();
    mounts.forEach((m, i) => listed.set(m.entry.id, nodes[i]));
    top = [];
    mounts.forEach((m, i) => {
      let p = m.entry.parent;
      let parent: JsonNode | undefined;
      const seen = new Set<number>([m.entry.id]);
      while (!seen.has(p)) {
        seen.add(p);
        parent = listed.get(p);
        if (parent) break;
        const up = parents.get(p); // climb past mounts the filter left out
        if (up === undefined) break;
        p = up;
      }
      if (parent) ((parent.children as JsonNode[] | undefined) ?? (parent.children = [])).push(nodes[i]);
      else top.push(nodes[i]);
    });
  }
  return render({ filesystems: top }, '');
}

/** findmnt -l -o …: a header and left-aligned columns (the last one not padded). */
export function formatTable(mounts: ListedMount[], cols: Column[]): string[] {
  const rows: string[][] = [cols.slice(), ...mounts.map((m) => rowOf(m, cols).map((v) => (v === null ? '' : String(v))))];
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join(' ').trimEnd());
}

