// tsmount --poll[=ACTIONS] [--first-only] [--timeout MS] [TARGET], and tsmount --wait TARGET:
// mount events printed as findmnt --poll prints them (a table with ACTION TARGET SOURCE FSTYPE
// OPTIONS, its header before the first event; with --json one object per event).
import { Output } from './output';
import { EXIT, SAY } from './messages';
import { MountAction, MountEvent, MOUNT_ACTIONS, watchMounts, waitForMount } from '../lib/watch';

const HEADER = ['ACTION', 'TARGET', 'SOURCE', 'FSTYPE', 'OPTIONS'];

/** findmnt's streamed table: widths from the header and the first row, the last column unpadded. */
class EventTable {
  private widths?: number[];
  constructor(private readonly out: Output) {}
  print(ev: MountEvent): void {
    const row = [ev.action, ev.target, ev.source, ev.fstype, ev.options];
    if (!this.widths) {
      this.widths = HEADER.map((h, i) => Math.max(h.length, row[i].length, i === 0 ? 10 : 0));
      this.out.stdout([this.line(HEADER)]);
    }
    this.out.stdout([this.line(row)]);
  }
  private line(cells: string[]): string {
    const w = this.widths ?? [];
    return cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]))).join(' ');
  }
}

/** One event as findmnt -J --poll prints it: an object per event, libsmartcols' 3-space layout. */
function jsonEvent(ev: MountEvent): string {
  const fields: [string, string][] = [['action', ev.action], ['target', ev.target], ['source', ev.source], ['fstype', ev.fstype],
    ['options', ev.options]];
  return `{\n${fields.map(([k, v]) => `   ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}`;
}

/** --poll's list: findmnt's action names, comma-separated (empty or absent: all). */
export function parseActions(list: string | undefined): MountAction[] | undefined {
  if (list === undefined || list === '') return undefined;
  const out: MountAction[] = [];
  for (const a of list.split(',')) {
    if (!(MOUNT_ACTIONS as readonly string[]).includes(a)) return undefined;
    out.push(a as MountAction);
  }
  return out;
}

export interface PollRequest {
  actions?: MountAction[];
  target?: string;
  firstOnly: boolean;
  timeoutMs?: number;
  json: boolean;
}

/** Watch until the timeout (exit 0, as findmnt), the first event with --first-only, or a signal. */
export async function pollMain(out: Output, req: PollRequest): Promise<number> {
  const ac = new AbortController();
  const timer = req.timeoutMs !== undefined ? setTimeout(() => ac.abort(), req.timeoutMs) : undefined;
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const table = new EventTable(out);
  try {
    for await (const ev of watchMounts({ actions: req.actions, target: req.target, signal: ac.signal })) {
      if (req.json) out.stdout([jsonEvent(ev)]);
      else table.print(ev);
      if (req.firstOnly) break;
    }
    return EXIT.SUCCESS;
  } finally {
    if (timer) clearTimeout(timer);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

/** --wait TARGET: at once when mounted, else at its mount; with --timeout, exit 32 when it did not come. */
export async function waitMain(prog: string, out: Output, target: string, timeoutMs: number | undefined, verbose: boolean): Promise<number> {
  const ac = new AbortController();
  const timer = timeoutMs !== undefined ? setTimeout(() => ac.abort(), timeoutMs) : undefined;
  try {
    const ev = await waitForMount(target, { signal: ac.signal });
    if (!ev) {
      out.stderr([`${prog}: ${SAY.notMountedWithin(target, timeoutMs ?? 0)}`]);
      return EXIT.FAIL;
    }
    if (verbose) out.stdout([`${ev.source} on ${ev.target} type ${ev.fstype} (${ev.options})`]);
    return EXIT.SUCCESS;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
