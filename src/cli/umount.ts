// tsumount(8): argv → unmount requests → util-linux's output and exit codes
// (per-argument codes added up and capped at 255, as util-linux does).
import fs = require('fs');
import { OptionError, OptionReached, has, last, parseCommandLine, tryHelp, helpOrVersion } from './args';
import { UMOUNT } from './options-umount';
import { umountFailureText, otherErrorLine, utabFailureReport, EXIT, requestErrorReport, SAY } from './messages';
import { RequestError } from '../sys/error';
import type { UtabUpdateError } from '../tables/utab';
import { umountUsage, versionLine } from './usage';
import { Output } from './output';
import { UmountFailure, isNothingToUnmount } from '../lib/errors';
import { umountSpec, umountRecursiveSteps, umountAllTargetsSteps, umountAllSteps, umountById, UmountRequest, UmountResult } from '../lib/umount';
import { parseMountId, mountToUnmount } from '../lib/by-id';
import { runInterruptibly } from './signals';
import { Tables } from '../lib/tables';
import { enterNamespace, tryNamespace } from '../lib/namespace';
import { namespaceError, namespaceErrorText, mtabError } from './messages';
import { osPath } from '../sys/bytes';

function successLine(prog: string, r: UmountResult): string {
  return `${prog}: ${SAY.unmounted(r.target, r.source)}`;
}

/** utab could not be updated after the unmount: its line, and util-linux's exit code. */
function utabReport(prog: string, out: Output, r: UmountResult & { utabError: UtabUpdateError }): number {
  const u = utabFailureReport(prog, r.target, r.utabError, 'unmounted');
  out.stderr([u.line]);
  return u.code;
}

/** A single unmount's result → its lines (helper trouble, utab trouble, -v) and exit code. */
function reportOne(prog: string, out: Output, r: UmountResult, verbose: boolean): number {
  if (r.helperExecFailed) out.stderr([`${prog}: ${SAY.helperExecFailed(r.target, r.helperExecFailed)}`]);
  let code = 0;
  if (r.helperStatus !== undefined) code = r.helperStatus;
  else if (r.utabError) code = utabReport(prog, out, { ...r, utabError: r.utabError });
  if (code === 0 && verbose) out.stderr([successLine(prog, r)]);
  return code;
}

/** -R/-A: a line per unmount as it is done; code() is the worst utab exit code among them. */
function stepReporter(prog: string, out: Output, verbose: boolean): { onDone: (r: UmountResult) => void; code: () => number } {
  let code = 0;
  return {
    onDone: (r) => {
      if (r.utabError) code = Math.max(code, utabReport(prog, out, { ...r, utabError: r.utabError }));
      else if (verbose) out.stderr([successLine(prog, r)]);
    },
    code: () => code,
  };
}

/** One failure → message (unless quiet) and exit code (none with -g for what is not mounted). */
function failure(prog: string, out: Output, e: unknown, spec: string, quiet: boolean, graceful = false): number {
  if (graceful && isNothingToUnmount(e)) return 0;
  if (e instanceof UmountFailure) {
    const text = umountFailureText(e);
    if (!(quiet && text === 'not mounted')) out.stderr([`${prog}: ${SAY.umountFailed(e.target, text)}`]);
    return EXIT.FAIL;
  }
  if (e instanceof RequestError) {
    const r = requestErrorReport(prog, e, { exists: (p) => fs.existsSync(osPath(p)) });
    if (!quiet) out.stderr(r.err);
    return r.rc;
  }
  const line = otherErrorLine(prog, e, spec);
  if (line === undefined) throw e;
  out.stderr([line]);
  return EXIT.FAIL;
}

/** tsumount --id/--uniq-id: one mount named by its ID (with -R, its subtree). */
function umountByIdMain(prog: string, out: Output, unique: boolean, value: string, recursive: boolean, req: UmountRequest,
  tables: Tables, verbose: boolean, quiet: boolean, graceful: boolean): number | Promise<number> {
  const spec = parseMountId(value, unique);
  try {
    if (!spec) throw new RequestError({ code: 'bad-mount-id', value });
    if (!recursive) return reportOne(prog, out, umountById(spec, req, tables), verbose);
    const target = mountToUnmount(spec).target;
    const steps = stepReporter(prog, out, verbose);
    return runInterruptibly(umountRecursiveSteps(target, req, tables, steps.onDone))
      .then(steps.code, (e: unknown) => failure(prog, out, e, target, quiet, graceful));
  } catch (e) {
    return failure(prog, out, e, value, quiet, graceful);
  }
}

/**
 * What umount.c's getopt loop does with an option as soon as it reaches it: each -N namespace is
 * tried there, so that its error comes before anything later on the command line (-h included).
 */
const umountReached: OptionReached = (o) => {
  if (o.key !== 'N') return;
  try {
    tryNamespace(o.value ?? '');
  } catch (e) {
    throw new OptionError(namespaceErrorText(o.value ?? '', e), EXIT.SYSERR);
  }
};

export function umountMain(prog: string, argv: readonly string[], out: Output): number | Promise<number> {
  const parsed = parseCommandLine(prog, argv, UMOUNT, (l) => out.stderr(l), umountReached);
  if (typeof parsed === 'number') return parsed;
  const { ordered, positional } = parsed;
  const info = helpOrVersion(ordered, () => umountUsage(prog), () => versionLine(prog), (l) => out.stdout(l));
  if (info !== undefined) return info;
  const verbose = has(ordered, 'v');
  const quiet = has(ordered, 'q');
  const graceful = has(ordered, 'g');
  const req: UmountRequest = {
    lazy: has(ordered, 'l'), force: has(ordered, 'f'), readOnlyFallback: has(ordered, 'r'), detachLoop: has(ordered, 'd'),
    noMtab: has(ordered, 'n'), noCanonicalize: has(ordered, 'c'), noHelpers: has(ordered, 'i'), fake: has(ordered, 'fake'),
    verbose,
  };
  const ns = last(ordered, 'N');
  if (ns !== undefined) {
    try {
      enterNamespace(ns);
    } catch (e) {
      out.stderr([namespaceError(prog, ns, e)]);
      return EXIT.SYSERR;
    }
  }
  const tables = new Tables();

  if (has(ordered, 'a')) {
    if (positional.length) {
      out.stderr([`${prog}: ${SAY.unexpectedArguments}`, tryHelp(prog)]);
      return EXIT.USAGE;
    }
    {
      // One mount per step: a SIGINT/SIGTERM/SIGHUP stops -a between two unmounts (cli/signals.ts).
      return runInterruptibly(umountAllSteps({ ...req, types: last(ordered, 't'), testOptions: last(ordered, 'O') }, tables, (e, r, err) => {
        if (err) return failure(prog, out, err, e.target, quiet, graceful);
        if (!r) return 0;
        if (r.helperExecFailed) out.stderr([`${prog}: ${SAY.helperExecFailed(r.target, r.helperExecFailed)}`]);
        if (r.helperStatus) return r.helperStatus;
        if (r.utabError) return utabReport(prog, out, { ...r, utabError: r.utabError });
        if (verbose) out.stdout([SAY.entry(e.target, 'successfully unmounted')]);
        return 0;
      }, (e) => {
        if (verbose) out.stdout([SAY.entry(e.target, 'ignored')]);
      })).then((rc) => rc, (e: unknown) => mtabError(prog, out, e));
    }
  }
  // --id N / --uniq-id N: the mount with that ID instead of a spec (with -R, it and what is below it).
  const idOpt = ordered.filter((o) => o.key === 'id' || o.key === 'uniq-id').pop();
  if (idOpt !== undefined) {
    if (positional.length || has(ordered, 'A')) {
      out.stderr([`${prog}: ${SAY.badUsage}`, tryHelp(prog)]);
      return EXIT.USAGE;
    }
    return umountByIdMain(prog, out, idOpt.key === 'uniq-id', idOpt.value ?? '', has(ordered, 'R'), req, tables, verbose, quiet, graceful);
  }
  if (positional.length === 0) {
    out.stderr([`${prog}: ${SAY.badUsage}`, tryHelp(prog)]);
    return EXIT.USAGE;
  }
  // -R and -A are many unmounts: one per step, so a SIGINT/SIGTERM/SIGHUP stops them between two
  // (cli/signals.ts). A single unmount is one synchronous call.
  const many = has(ordered, 'A') || has(ordered, 'R');
  const one = (spec: string): number => {
    try {
      const r = umountSpec(spec, req, tables);
      tables.invalidateMounts();
      return reportOne(prog, out, r, verbose);
    } catch (e) {
      return failure(prog, out, e, spec, quiet, graceful);
    }
  };
  if (!many) {
    let rc = 0;
    for (const spec of positional) rc = Math.min(255, rc + one(spec));
    return rc;
  }
  return (async () => {
    let rc = 0;
    for (const spec of positional) {
      const steps = stepReporter(prog, out, verbose);
      let code: number;
      try {
        await runInterruptibly(has(ordered, 'A')
          ? umountAllTargetsSteps(spec, req, tables, has(ordered, 'R'), steps.onDone)
          : umountRecursiveSteps(spec, req, tables, steps.onDone));
        code = steps.code();
      } catch (e) {
        code = failure(prog, out, e, spec, quiet, graceful);
      }
      rc = Math.min(255, rc + code);
    }
    return rc;
  })();
}
