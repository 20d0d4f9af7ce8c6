// tsmount(8): argv → a request for the library → util-linux's output and exit code.
import { ExclusiveError, ArgSpec, OrderedOption, has, last, parseCommandLine, tryHelp, helpOrVersion } from './args';
import { mountFailureReport, kernelNotes, otherErrorLine, namespaceError, mtabError, EXIT, Report, utabFailureReport, requestErrorReport } from './messages';
import { mountUsage, versionLine } from './usage';
import { Output } from './output';
import { RequestError } from '../sys/error';
import { MountFailure, nofailApplies } from '../lib/errors';
import { mountRequest, MountRequest, MountResult, OptionsMode } from '../lib/mount';
import { mountAllSteps, remountAllSteps } from '../lib/all';
import { runInterruptibly } from './signals';
import { Tables } from '../lib/tables';
import { enterNamespace } from '../lib/namespace';
import { parseOptions } from '../options/parse';
import { dryRunCalls } from '../exec/dry-run';
import { readMountTable, readRawTable } from '../lib/mount-table';
import { readUtab } from '../tables/utab';
import { parseColumns, formatJson, formatTable, Column } from './columns';
import { executorFromEnv } from '../exec/run';

const SPEC: ArgSpec = {
  shortWithValue: 'LUoOtTN',
  shortFlags: 'aBcfFhilMnrRsvVw',
  shortOptional: 'm',
  longWithValue: ['label', 'uuid', 'options', 'test-opts', 'types', 'fstab', 'namespace', 'options-mode', 'options-source',
    'source', 'target', 'target-prefix', 'map-users', 'map-groups', 'output'],
  longFlags: ['all', 'bind', 'no-canonicalize', 'fake', 'fork', 'help', 'internal-only', 'show-labels', 'move', 'no-mtab',
    'read-only', 'ro', 'rbind', 'verbose', 'version', 'rw', 'read-write', 'options-source-force', 'onlyonce', 'beneath',
    'exclusive', 'make-shared', 'make-slave', 'make-private', 'make-unbindable', 'make-rshared', 'make-rslave',
    'make-rprivate', 'make-runbindable', 'dry-run', 'json', 'list'],
  longOptional: ['mkdir'],
  alias: {
    label: 'L', uuid: 'U', options: 'o', 'test-opts': 'O', types: 't', fstab: 'T', namespace: 'N', all: 'a', bind: 'B',
    'no-canonicalize': 'c', fake: 'f', fork: 'F', help: 'h', 'internal-only': 'i', 'show-labels': 'l', move: 'M',
    'no-mtab': 'n', 'read-only': 'r', ro: 'r', rbind: 'R', verbose: 'v', version: 'V', rw: 'w', 'read-write': 'w', mkdir: 'm',
  },
  longOrder: ['all', 'beneath', 'exclusive', 'fake', 'fstab', 'fork', 'help', 'no-mtab', 'read-only', 'ro', 'verbose', 'version',
    'read-write', 'rw', 'options', 'test-opts', 'types', 'uuid', 'label', 'bind', 'move', 'rbind', 'make-shared', 'make-slave',
    'make-private', 'make-unbindable', 'make-rshared', 'make-rslave', 'make-rprivate', 'make-runbindable', 'map-groups',
    'map-users', 'mkdir', 'no-canonicalize', 'internal-only', 'show-labels', 'target', 'target-prefix', 'source', 'onlyonce',
    'options-mode', 'options-source', 'options-source-force', 'namespace'],
};

/** Order-sensitive options become option strings, in command-line order. */
function optionSequence(ordered: OrderedOption[]): string[] {
  const out: string[] = [];
  for (const o of ordered) {
    if (o.key === 'o') out.push(o.value ?? '');
    else if (o.key === 'r') out.push('ro');
    else if (o.key === 'w') out.push('rw');
    else if (o.key === 'B') out.push('bind');
    else if (o.key === 'R') out.push('rbind');
    else if (o.key === 'M') out.push('move');
    else if (o.key === 'm') out.push(o.value ? `X-mount.mkdir=${o.value}` : 'X-mount.mkdir');
    else if (o.key.startsWith('make-')) out.push(o.key.slice(5));
  }
  // --map-users/--map-groups build one X-mount.idmap (a namespace path stands alone).
  const maps = ordered.filter((o) => o.key === 'map-users' || o.key === 'map-groups');
  if (maps.length) {
    const nsPath = maps.find((m) => (m.value ?? '').startsWith('/'));
    const value = nsPath ? nsPath.value : maps.map((m) => `${m.key === 'map-users' ? 'u' : 'g'}:${m.value}`).join(' ');
    out.push(`X-mount.idmap=${value}`);
  }
  return out;
}

function all(ordered: OrderedOption[], key: string): string[] {
  return ordered.filter((o) => o.key === key).map((o) => o.value ?? '');
}

const LONG_NAME: Record<string, string> = { B: 'bind', M: 'move', R: 'rbind', L: 'label', U: 'uuid', source: 'source' };

/** util-linux's mutually exclusive groups: --bind/--move/--rbind and --label/--uuid/--source. */
function checkExclusive(ordered: OrderedOption[]): void {
  for (const group of [['B', 'M', 'R'], ['L', 'U', 'source']]) {
    const seen: string[] = [];
    for (const o of ordered) if (group.includes(o.key) && !seen.includes(o.key)) seen.push(o.key);
    if (seen.length > 1) throw new ExclusiveError(`options --${LONG_NAME[seen[0]]} and --${LONG_NAME[seen[1]]} cannot be combined`);
  }
}

interface ListFormat {
  json: boolean;
  /** --output COLUMNS (or -o COLUMNS with --json). */
  columns?: string;
  /** --list: a flat JSON list instead of the tree. */
  flat: boolean;
}

function list(prog: string, out: Output, types: string | undefined, labels: boolean, format: ListFormat): number {
  // Only the lister is loaded (and koffi for listmount/statmount, see lib/mount-table.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { listMounts, formatListing, formatListingEntries, labelOfSource, LIST_FIELDS } = require('../lib/list') as typeof import('../lib/list');
  if (format.json || format.columns !== undefined) {
    let cols: Column[];
    try {
      cols = parseColumns(format.columns);
    } catch (e) {
      out.stderr([`${prog}: ${(e as Error).message}`]);
      return EXIT.USAGE;
    }
    // PROPAGATION shows shared/slave/unbindable: asked for only when it is a column.
    const table = readMountTable(cols.includes('PROPAGATION') ? [...LIST_FIELDS, 'optional'] : LIST_FIELDS, true);
    const mounts = listMounts({ types }, table);
    if (format.json) out.stdout([formatJson(mounts, cols, format.flat, new Map(table.entries.map((e) => [e.id, e.parent])))]);
    else out.stdout(formatTable(mounts, cols));
    return EXIT.SUCCESS;
  }
  // The classic listing: one pass over the mountinfo text, or over statmount's entries.
  const raw = readRawTable(LIST_FIELDS, true);
  const labelOf = labels ? labelOfSource : undefined;
  const text = raw.source === 'mountinfo' ? formatListing(raw.text, readUtab(), types, labelOf)
    : formatListingEntries(raw.entries, readUtab(), types, labelOf);
  if (text) out.stdout([text.slice(0, -1)]);
  return EXIT.SUCCESS;
}

function successLines(prog: string, r: MountResult): string[] {
  const src = r.source ?? 'none';
  const lines: string[] = [];
  switch (r.kind) {
    case 'bind': lines.push(`${prog}: ${src} bound on ${r.target}.`); break;
    case 'move': lines.push(`${prog}: ${src} moved to ${r.target}.`); break;
    case 'propagation': break;
    case 'helper': return [];
    default: lines.push(`${prog}: ${src} mounted on ${r.target}.`);
  }
  if (r.plan.steps.some((s) => s.op === 'propagate')) lines.push(`${prog}: ${r.target} propagation flags changed.`);
  return lines;
}

/** Turn a failure of one mount into output; returns the exit code. */
export function reportMountError(prog: string, out: Output, e: unknown, verbose: boolean): number {
  if (e instanceof MountFailure) {
    if (nofailApplies(e)) return EXIT.SUCCESS;
    const r: Report = mountFailureReport(prog, e, verbose);
    out.stdout(r.out);
    out.stderr(r.err);
    return r.rc;
  }
  if (e instanceof RequestError) {
    const r = requestErrorReport(prog, e);
    out.stderr(r.err);
    return r.rc;
  }
  const line = otherErrorLine(prog, e, undefined);
  if (line === undefined) throw e;
  out.stderr([line]);
  return EXIT.FAIL;
}

export function mountMain(prog: string, argv: readonly string[], out: Output): number | Promise<number> {
  const parsed = parseCommandLine(prog, argv, SPEC, checkExclusive, (l) => out.stderr(l));
  if (!parsed) return EXIT.USAGE;
  const { ordered, positional } = parsed;
  const badUsage = (): number => {
    out.stderr([`${prog}: bad usage`, tryHelp(prog)]);
    return EXIT.USAGE;
  };
  const info = helpOrVersion(ordered, () => mountUsage(prog), () => versionLine(prog), (l) => out.stdout(l));
  if (info !== undefined) return info;
  const verbose = has(ordered, 'v');
  // --dry-run (or -f with -v twice): print the kernel calls the command would make, make none.
  const explain = has(ordered, 'dry-run') || (has(ordered, 'f') && ordered.filter((o) => o.key === 'v').length > 1);
  const types = last(ordered, 't');
  const options = optionSequence(ordered);
  const operation = has(ordered, 'B') || has(ordered, 'M') || has(ordered, 'R');
  const makeFlags = ordered.some((o) => o.key.startsWith('make-'));
  const source = last(ordered, 'source') ?? (has(ordered, 'L') ? `LABEL="${last(ordered, 'L')}"` : has(ordered, 'U') ? `UUID="${last(ordered, 'U')}"` : undefined);
  const targetOpt = last(ordered, 'target');
  const mode = last(ordered, 'options-mode');
  if (mode !== undefined && !['ignore', 'append', 'prepend', 'replace'].includes(mode)) return badUsage();
  const optSource = last(ordered, 'options-source');
  if (optSource !== undefined && optSource.split(',').some((s) => !['fstab', 'mtab', 'disable'].includes(s))) return badUsage();
  for (const s of options) {
    // util-linux checks each -o string as it is given and names the whole string.
    try {
      parseOptions(s);
    } catch (e) {
      if (e instanceof RequestError) {
        out.stderr(requestErrorReport(prog, e).err);
        return EXIT.USAGE;
      }
      throw e;
    }
  }

  const ns = last(ordered, 'N');
  if (ns !== undefined) {
    try {
      enterNamespace(ns);
    } catch (e) {
      out.stderr([namespaceError(prog, ns, e)]);
      return EXIT.SYSERR;
    }
  }

  const tables = new Tables(all(ordered, 'T'), (file, line) => out.stderr([`${prog}: ${file}: parse error at line ${line} -- ignored`]));
  const base: MountRequest = {
    options,
    optionsMode: mode as OptionsMode | undefined,
    optionsSource: optSource,
    optionsSourceForce: has(ordered, 'options-source-force'),
    // --dry-run is not -f: the plan it prints is the real run's (a helper's argv without -f).
    fake: has(ordered, 'f'),
    dryRun: explain,
    verbose,
    noMtab: has(ordered, 'n'),
    noHelpers: has(ordered, 'i'),
    sloppy: has(ordered, 's'),
    noCanonicalize: has(ordered, 'c'),
    rwOnly: has(ordered, 'w'),
    onlyOnce: has(ordered, 'onlyonce'),
    exclusive: has(ordered, 'exclusive'),
    beneath: has(ordered, 'beneath'),
    targetPrefix: last(ordered, 'target-prefix'),
  };

  if (has(ordered, 'a')) {
    if (operation) return badUsage();
    const pad = (s: string): string => (s.length < 25 ? s.padEnd(25) : s);
    if (options.some((o) => parseOptions(o).some((it) => it.name === 'remount'))) {
      // mount -a -o remount: the mounted filesystems, not fstab.
      return runInterruptibly(remountAllSteps({ ...base, types, testOptions: last(ordered, 'O') }, tables, (ev) => {
        if (ev.error !== undefined) reportMountError(prog, out, ev.error, verbose);
        else if (verbose) out.stdout([`${pad(ev.target)}: successfully remounted`]);
      })).then((summary) => summary.exitCode, (e: unknown) => reportMountError(prog, out, e, verbose));
    }
    // -F: util-linux mounts each entry in a child process that reports nothing itself; with -v the
    // parent prints "mount successfully forked" for it, and the exit status counts the children.
    // tsmount mounts the entries one after another (see DIFFERENCES), reporting as util-linux does.
    const forked = has(ordered, 'F');
    // One entry per step: a SIGINT/SIGTERM/SIGHUP stops -a between two entries (cli/signals.ts).
    return runInterruptibly(mountAllSteps({ ...base, types, testOptions: last(ordered, 'O') }, tables, (ev) => {
      const tgt = ev.entry.target;
      if (forked && (ev.status === 'failed' || ev.status === 'mounted' || ev.status === 'helper-failed')) {
        if (verbose) out.stdout([`${pad(tgt)}: mount successfully forked`]);
        return;
      }
      if (ev.status === 'failed') {
        reportMountError(prog, out, ev.error, verbose);
        return;
      }
      if (ev.status === 'helper-failed') {
        if (ev.result?.helperExecFailed) out.stderr([`${prog}: ${tgt}: failed to execute ${ev.result.helperExecFailed}.`]);
        return;
      }
      if (ev.status === 'mounted' && ev.result) {
        if (explain) out.stdout(dryRunCalls(ev.result.plan, executorFromEnv()));
        out.stdout(kernelNotes(prog, ev.result.messages, verbose));
        if (ev.result.roFallback) out.stderr([`${prog}: ${tgt}: WARNING: source write-protected, mounted read-only.`]);
        if (ev.result.utabError) {
          out.stderr([utabFailureReport(prog, ev.result.target, ev.result.utabError, 'mounted').line]);
          return;
        }
      }
      if (!verbose) return;
      // a nofail entry that did not mount counts as success but gets no line (util-linux checks the status)
      if (ev.status === 'mounted' && (!ev.result || ev.result.skipped)) return;
      const text = ev.status === 'mounted' ? 'successfully mounted' : ev.status === 'ignored' ? 'ignored' : 'already mounted';
      out.stdout([`${pad(tgt)}: ${text}`]);
    })).then((summary) => summary.exitCode, (e: unknown) => reportMountError(prog, out, e, verbose));
  }

  const req: MountRequest = { ...base };
  if (positional.length === 0) {
    if (source === undefined && targetOpt === undefined) {
      const json = has(ordered, 'json');
      // With --json, -o names the output columns (as findmnt's -o does); otherwise it is mount options.
      const columns = last(ordered, 'output') ?? (json && has(ordered, 'o') ? last(ordered, 'o') : undefined);
      const optionList = json ? optionSequence(ordered.filter((o) => o.key !== 'o')) : options;
      if (optionList.length || operation || makeFlags || has(ordered, 'O')) return badUsage();
      try {
        return list(prog, out, types, has(ordered, 'l'), { json, columns, flat: has(ordered, 'list') });
      } catch (e) {
        return mtabError(prog, out, e);
      }
    }
    req.source = source;
    req.target = targetOpt;
  } else if (positional.length === 1) {
    // mount.c: one argument goes with --source or --target, not with both.
    if (source !== undefined && targetOpt !== undefined) return badUsage();
    const arg = positional[0];
    if (source !== undefined && /^(LABEL|UUID|PARTUUID|PARTLABEL|ID)=/.test(arg)) {
      // mount.c: -L, -U or --source together with a LABEL=/UUID= argument
      out.stderr([`${prog}: source specified more than once`]);
      return EXIT.USAGE;
    }
    if (source !== undefined) {
      req.source = source;
      req.target = arg;
    } else if (targetOpt !== undefined) {
      req.source = arg;
      req.target = targetOpt;
    } else if (/^(LABEL|UUID|PARTUUID|PARTLABEL|ID)=/.test(arg)) {
      // A tag is a source; libmount's swap-match stays on (off only for -L, -U, --source, --target).
      req.source = arg;
      req.swapMatch = true;
    } else {
      req.target = arg;
      req.swapMatch = true;
    }
  } else if (positional.length === 2) {
    if (source !== undefined || targetOpt !== undefined) return badUsage();
    req.source = positional[0];
    req.target = positional[1];
  } else {
    return badUsage();
  }
  // util-linux: --bind/--move/--rbind take neither -t nor --source (and not -a, checked above).
  if (operation && (types !== undefined || last(ordered, 'source') !== undefined)) return badUsage();
  req.types = types;

  let r: MountResult;
  try {
    r = mountRequest(req, tables);
  } catch (e) {
    return reportMountError(prog, out, e, verbose);
  }
  if (r.skipped) return EXIT.SUCCESS;
  if (explain) out.stdout(dryRunCalls(r.plan, executorFromEnv()));
  out.stdout(kernelNotes(prog, r.messages, verbose));
  if (r.helperExecFailed) out.stderr([`${prog}: ${r.target}: failed to execute ${r.helperExecFailed}.`]);
  if (r.helperStatus) return r.helperStatus;
  if (r.utabError) {
    // Also after a helper that succeeded: completing its utab entry failed (as util-linux reports it).
    const u = utabFailureReport(prog, r.target, r.utabError, 'mounted');
    out.stderr([u.line]);
    return u.code;
  }
  if (r.helperStatus === 0) return 0;
  if (r.roFallback) out.stderr([`${prog}: ${r.target}: WARNING: source write-protected, mounted read-only.`]);
  if (verbose) out.stdout(successLines(prog, r));
  return EXIT.SUCCESS;
}
