// tsmount(8): argv → a request for the library → util-linux's output and exit code.
import { ArgError, OptionError, OptionReached, OrderedOption, has, last, parseCommandLine, tryHelp, helpOrVersion } from './args';
import { MOUNT, optionSequence, withoutEquals } from './options-mount';
import { mountFailureReport, kernelNotes, otherErrorLine, namespaceError, namespaceErrorText, mtabError, EXIT, Report, utabFailureReport, requestErrorReport, requestErrorLine, SAY } from './messages';
import { mountUsage, versionLine } from './usage';
import { Output } from './output';
import { RequestError } from '../sys/error';
import { MountFailure, nofailApplies } from '../lib/errors';
import { mountRequest, MountRequest, MountResult, OptionsMode } from '../lib/mount';
import { mountAllSteps, remountAllSteps } from '../lib/all';
import { runInterruptibly } from './signals';
import { Tables } from '../lib/tables';
import { Fstab, readFstab } from '../tables/fstab';
import { enterNamespace, tryNamespace } from '../lib/namespace';
import { parseOptions } from '../options/parse';
import { dryRunCalls } from '../exec/dry-run';
import { readMountTable, readStreamedTable } from '../lib/mount-table';
import { readUtab } from '../tables/utab';
import { MountEntry, MountTable } from '../tables/mountinfo';
import { parseMountId, findMountById } from '../lib/by-id';
import { parseColumns, formatJson, formatTable, Column, idmapColumnsUnavailable } from './columns';
import { executorFromEnv } from '../exec/run';

function all(ordered: OrderedOption[], key: string): string[] {
  return ordered.filter((o) => o.key === key).map((o) => o.value ?? '');
}

interface ListFormat {
  json: boolean;
  /** --output COLUMNS (or -o COLUMNS with --json). */
  columns?: string;
  /** --list: a flat JSON list instead of the tree. */
  flat: boolean;
  /** --id N / --uniq-id N: only the mount with that ID (the value as given, and which kind). */
  byId?: { value: string; unique: boolean };
}

function list(prog: string, out: Output, types: string | undefined, labels: boolean, format: ListFormat): number | Promise<number> {
  // Only the lister is loaded (and koffi for listmount/statmount, see lib/mount-table.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { listMounts, formatListingEntries, labelOfSource, LIST_FIELDS } = require('../lib/list') as typeof import('../lib/list');
  let one: MountEntry | undefined;
  if (format.byId) {
    // One mount, by its ID: a unique ID is one statmount(2), no table read.
    const spec = parseMountId(format.byId.value, format.byId.unique);
    try {
      if (!spec) throw new RequestError({ code: 'bad-mount-id', value: format.byId.value });
      one = findMountById(spec);
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      const r = requestErrorReport(prog, e);
      out.stderr(r.err);
      return r.rc;
    }
  }
  if (format.json || format.columns !== undefined) {
    let cols: Column[];
    try {
      cols = parseColumns(format.columns);
    } catch (e) {
      out.stderr([`${prog}: ${(e as Error).message}`]);
      return EXIT.USAGE;
    }
    // PROPAGATION shows shared/slave/unbindable: asked for only when it is a column.
    const table = one ? new MountTable([one], false) : readMountTable(cols.includes('PROPAGATION') ? [...LIST_FIELDS, 'optional'] : LIST_FIELDS, true);
    const mounts = listMounts({ types }, table);
    if (format.json) out.stdout([formatJson(mounts, cols, format.flat, new Map(table.entries.map((e) => [e.id, e.parent])))]);
    else out.stdout(formatTable(mounts, cols));
    if (idmapColumnsUnavailable()) out.stderr([`${prog}: UIDMAP, GIDMAP: statmount(2) cannot report ID mappings before Linux 6.15; left empty`]);
    return EXIT.SUCCESS;
  }
  const labelOf = labels ? labelOfSource : undefined;
  if (one) {
    const text = formatListingEntries([one], readUtab(), types, labelOf);
    if (text) out.stdout([text.slice(0, -1)]);
    return EXIT.SUCCESS;
  }
  // The classic listing: one pass over the mountinfo bytes, or over statmount's entries.
  const raw = readStreamedTable(LIST_FIELDS);
  if (raw.source === 'statmount') {
    // Written in chunks as the lines are made: a big table's listing is never held whole.
    const text = formatListingEntries(raw.entries, readUtab(), types, labelOf, (chunk) => out.stdout([chunk.slice(0, -1)]));
    if (text) out.stdout([text.slice(0, -1)]);
    return EXIT.SUCCESS;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ByteListing } = require('../lib/listing-bytes') as typeof import('../lib/listing-bytes');
  const listing = new ByteListing(readUtab(), types, labelOf, (bytes) => out.stdoutBytes(bytes));
  const text = raw.text;
  if (typeof text === 'string') {
    listing.addText(text);
    listing.finish();
    return EXIT.SUCCESS;
  }
  // A big mountinfo: each chunk is listed while the next one is read (lib/mount-table.ts).
  return (async () => {
    for await (const chunk of text) listing.add(chunk);
    listing.finish();
    return EXIT.SUCCESS;
  })();
}

function successLines(prog: string, r: MountResult): string[] {
  const src = r.source ?? 'none';
  const lines: string[] = [];
  switch (r.kind) {
    case 'bind': lines.push(`${prog}: ${SAY.bound(src, r.target)}`); break;
    case 'move': lines.push(`${prog}: ${SAY.moved(src, r.target)}`); break;
    case 'propagation': break;
    case 'helper': return [];
    default: lines.push(`${prog}: ${SAY.mounted(src, r.target)}`);
  }
  if (r.plan.steps.some((s) => s.op === 'propagate')) lines.push(`${prog}: ${SAY.propagationChanged(r.target)}`);
  return lines;
}

/** Does one of the option strings (each checked when getopt reached it) hold an option of this name? */
function optionNamed(strings: readonly string[], name: string): boolean {
  return strings.some((o) => parseOptions(o).some((it) => it.name === name));
}

/** --poll[=LIST] [--first-only] [--timeout MS] [TARGET], or --wait TARGET [--timeout MS]. */
function watchCommand(prog: string, out: Output, ordered: OrderedOption[], positional: readonly string[], verbose: boolean,
  badUsage: () => number): number | Promise<number> {
  const timeoutValue = last(ordered, 'timeout');
  let timeoutMs: number | undefined;
  if (timeoutValue !== undefined) {
    if (!/^\d{1,9}$/.test(timeoutValue)) {
      out.stderr([`${prog}: ${SAY.badTimeout(timeoutValue)}`]);
      return EXIT.USAGE;
    }
    timeoutMs = Number(timeoutValue);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const w = require('./watch') as typeof import('./watch');
  const waitFor = last(ordered, 'wait');
  if (waitFor !== undefined) {
    if (positional.length || has(ordered, 'poll')) return badUsage();
    return w.waitMain(prog, out, waitFor, timeoutMs, verbose);
  }
  if (positional.length > 1) return badUsage();
  const list = last(ordered, 'poll');
  const actions = w.parseActions(list);
  if (list && !actions) {
    out.stderr([`${prog}: ${SAY.badPollActions(list)}`]);
    return EXIT.USAGE;
  }
  return w.pollMain(out, { actions, target: positional[0], firstOnly: has(ordered, 'first-only'), timeoutMs, json: has(ordered, 'json') });
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

const OPTIONS_MODES = ['ignore', 'append', 'prepend', 'replace'];
const OPTIONS_SOURCES = ['fstab', 'mtab', 'disable'];

/**
 * What mount.c's getopt loop does with an option as soon as it reaches it, so that its error comes
 * before anything later on the command line (a bad option, -h): the values it refuses there (-o
 * with an item starting with '=', --options-mode, --options-source, a namespace path with another
 * --map-users/--map-groups), each -T file read (its broken lines reported then) and each -N
 * namespace tried. The -T tables read go to `fstab`.
 */
function mountReached(prog: string, out: Output, fstab: Fstab): OptionReached {
  let idmap: string | undefined;
  return (o) => {
    const v = o.value ?? '';
    switch (o.key) {
      case 'o':
        // append_option(): util-linux checks each -o string as it is given and names the whole string.
        try {
          parseOptions(v);
        } catch (e) {
          if (e instanceof RequestError) throw new OptionError(...requestErrorLine(e));
          throw e;
        }
        break;
      case 'options-mode':
        if (!OPTIONS_MODES.includes(v)) throw new ArgError(SAY.badUsage);
        break;
      case 'options-source':
        // string_to_bitmask(): an empty list is no list; an empty item is an error
        if (v !== '' && v.split(',').some((x) => !OPTIONS_SOURCES.includes(x))) throw new ArgError(SAY.badUsage);
        break;
      case 'map-users':
      case 'map-groups': {
        // a namespace path stands alone: not with another --map-users/--map-groups
        const m = withoutEquals(v);
        if (idmap !== undefined && (m.startsWith('/') || idmap.startsWith('/'))) throw new ArgError(SAY.badUsage);
        idmap ??= m;
        break;
      }
      case 'T': {
        let t: Fstab;
        try {
          t = readFstab(v, true);
        } catch (e) {
          if (e instanceof RequestError) throw new OptionError(...requestErrorLine(e));
          throw e;
        }
        for (const err of t.errors) out.stderr([`${prog}: ${SAY.fstabLineIgnored(err.file, err.line)}`]);
        fstab.entries.push(...t.entries);
        fstab.errors.push(...t.errors);
        break;
      }
      case 'N':
        try {
          tryNamespace(v);
        } catch (e) {
          throw new OptionError(namespaceErrorText(v, e), EXIT.SYSERR);
        }
        break;
      default:
    }
  };
}

export function mountMain(prog: string, argv: readonly string[], out: Output): number | Promise<number> {
  const fstabRead: Fstab = { entries: [], errors: [] };
  const parsed = parseCommandLine(prog, argv, MOUNT, (l) => out.stderr(l), mountReached(prog, out, fstabRead));
  if (typeof parsed === 'number') return parsed;
  const { ordered, positional } = parsed;
  const badUsage = (): number => {
    out.stderr([`${prog}: ${SAY.badUsage}`, tryHelp(prog)]);
    return EXIT.USAGE;
  };
  const info = helpOrVersion(ordered, () => mountUsage(prog), () => versionLine(prog), (l) => out.stdout(l));
  if (info !== undefined) return info;
  const verbose = has(ordered, 'v');
  // --dry-run (or -f with -v twice): print the kernel calls the command would make, make none.
  const explain = has(ordered, 'dry-run') || (has(ordered, 'f') && ordered.filter((o) => o.key === 'v').length > 1);
  const types = last(ordered, 't');
  const options = optionSequence(ordered);
  // mount.c's `oper`: --bind, --rbind, --move, and an -o string holding "move".
  const operation = has(ordered, 'B') || has(ordered, 'M') || has(ordered, 'R')
    || optionNamed(all(ordered, 'o'), 'move');
  const remount = optionNamed(options, 'remount');
  const makeFlags = ordered.some((o) => o.key.startsWith('make-'));
  const source = last(ordered, 'source') ?? (has(ordered, 'L') ? `LABEL="${last(ordered, 'L')}"` : has(ordered, 'U') ? `UUID="${last(ordered, 'U')}"` : undefined);
  const targetOpt = last(ordered, 'target');
  // --options-mode and --options-source were checked when getopt reached them (mountReached);
  // an empty --options-source is none (util-linux's defaults).
  const mode = last(ordered, 'options-mode');
  const optSource = last(ordered, 'options-source') || undefined;
  for (const s of options) {
    // The -o strings were checked as they were given; what -m adds is checked here.
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

  const fstabPaths = all(ordered, 'T');
  const tables = new Tables(fstabPaths, (file, line) => out.stderr([`${prog}: ${SAY.fstabLineIgnored(file, line)}`]),
    fstabPaths.length ? fstabRead : undefined);
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
    // mount.c: "for --make-* or --bind is fstab/mtab unnecessary" (not with remount)
    noTables: (operation && !remount) || makeFlags,
  };

  if (has(ordered, 'a')) {
    if (operation) return badUsage();
    if (remount) {
      // mount -a -o remount: the mounted filesystems, not fstab.
      return runInterruptibly(remountAllSteps({ ...base, types, testOptions: last(ordered, 'O') }, tables, (ev) => {
        if (ev.error !== undefined) reportMountError(prog, out, ev.error, verbose);
        else if (verbose) out.stdout([SAY.entry(ev.target, 'successfully remounted')]);
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
        if (verbose) out.stdout([SAY.entry(tgt, 'mount successfully forked')]);
        return;
      }
      if (ev.status === 'failed') {
        reportMountError(prog, out, ev.error, verbose);
        return;
      }
      if (ev.status === 'helper-failed') {
        if (ev.result?.helperExecFailed) out.stderr([`${prog}: ${SAY.helperExecFailed(tgt, ev.result.helperExecFailed)}`]);
        return;
      }
      if (ev.status === 'mounted' && ev.result) {
        if (explain) out.stdout(dryRunCalls(ev.result.plan, executorFromEnv()));
        out.stdout(kernelNotes(prog, ev.result.messages, verbose));
        if (ev.result.roFallback) out.stderr([`${prog}: ${SAY.roFallback(tgt)}`]);
        if (ev.result.utabError) {
          out.stderr([utabFailureReport(prog, ev.result.target, ev.result.utabError, 'mounted').line]);
          return;
        }
      }
      if (!verbose) return;
      // a nofail entry that did not mount counts as success but gets no line (util-linux checks the status)
      if (ev.status === 'mounted' && (!ev.result || ev.result.skipped)) return;
      out.stdout([SAY.entry(tgt, ev.status === 'mounted' ? 'successfully mounted' : ev.status === 'ignored' ? 'ignored' : 'already mounted')]);
    })).then((summary) => summary.exitCode, (e: unknown) => reportMountError(prog, out, e, verbose));
  }

  const req: MountRequest = { ...base };
  // --poll / --wait: watch the mount table (cli/watch.ts); nothing is mounted.
  if (has(ordered, 'poll') || has(ordered, 'wait')) return watchCommand(prog, out, ordered, positional, verbose, badUsage);
  // --id/--uniq-id list one mount: nothing else to do with them.
  if ((has(ordered, 'id') || has(ordered, 'uniq-id')) && (positional.length || source !== undefined || targetOpt !== undefined)) return badUsage();
  if (positional.length === 0) {
    if (source === undefined && targetOpt === undefined) {
      const json = has(ordered, 'json');
      // With --json, -o names the output columns (as findmnt's -o does); otherwise it is mount options.
      const columns = last(ordered, 'output') ?? (json && has(ordered, 'o') ? last(ordered, 'o') : undefined);
      const optionList = json ? optionSequence(ordered.filter((o) => o.key !== 'o')) : options;
      if (optionList.length || operation || makeFlags || has(ordered, 'O')) return badUsage();
      try {
        const idOpt = ordered.filter((o) => o.key === 'id' || o.key === 'uniq-id').pop();
        const byId = idOpt && { value: idOpt.value ?? '', unique: idOpt.key === 'uniq-id' };
        const listed = list(prog, out, types, has(ordered, 'l'), { json, columns, flat: has(ordered, 'list'), byId });
        return typeof listed === 'number' ? listed : listed.catch((e: unknown) => mtabError(prog, out, e));
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
      out.stderr([`${prog}: ${SAY.sourceTwice}`]);
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
  if (r.helperExecFailed) out.stderr([`${prog}: ${SAY.helperExecFailed(r.target, r.helperExecFailed)}`]);
  if (r.helperStatus) return r.helperStatus;
  if (r.utabError) {
    // Also after a helper that succeeded: completing its utab entry failed (as util-linux reports it).
    const u = utabFailureReport(prog, r.target, r.utabError, 'mounted');
    out.stderr([u.line]);
    return u.code;
  }
  if (r.helperStatus === 0) return 0;
  if (r.roFallback) out.stderr([`${prog}: ${SAY.roFallback(r.target)}`]);
  if (verbose) out.stdout(successLines(prog, r));
  return EXIT.SUCCESS;
}
