// The bash completion of tsmount and tsumount (docs/completion/tsmount.bash), generated from the
// commands' option tables (options-mount.ts, options-umount.ts): the options offered after "-" are
// the tables' names, and the options whose next word completes to something (filesystem types, mount
// options, columns, files, directories…) are declared here by key, their case patterns written from
// the tables. `npm run completion` (docs/completion/generate.js) writes the file from dist/;
// test/unit/cli-options-table.test.js checks that the committed file is this function's output.
import { OptionSpec, keyOf } from './optspec';
import { MOUNT } from './options-mount';
import { UMOUNT } from './options-umount';
import { COLUMNS } from './columns';

/** The word lists a value completion reads (a `local` of the command's function). */
type WordList = 'mntopts' | 'columns';

/** What the word after an option completes to: the lines of its case arm (ending in "return ;;"). */
interface ValueCompletion {
  readonly lines: readonly string[];
  readonly uses?: readonly WordList[];
}

const FSTYPES: ValueCompletion = {
  lines: [
    'local last=${cur##*,}',
    '_tsmount_list "$cur" "$(_tsmount_fstypes "${last:0:2}")"; return ;;',
  ],
};

const NAMESPACE: ValueCompletion = {
  lines: [
    `COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && printf '%s\\n' [0-9]*)" -- "$cur"))`,
    '[[ $cur == /* ]] && _tsmount_files "$cur"',
    'return ;;',
  ],
};

const NOTHING: ValueCompletion = { lines: ['return ;;'] };

/** --id: the mount IDs of this namespace (mountinfo's first field); --uniq-id has no list to offer. */
const MOUNT_IDS: ValueCompletion = {
  lines: [`COMPREPLY=($(compgen -W "$(cut -d' ' -f1 /proc/self/mountinfo 2>/dev/null)" -- "$cur")); return ;;`],
};

/**
 * The options whose next word completes to something, grouped in case arms (in this order), by key.
 * `null`: the word completes as any other (an option after "-", else the command's operands):
 * declared all the same, so that an option with a value added to a table is a decision taken here.
 */
interface ValueArm {
  readonly keys: readonly string[];
  readonly completes: ValueCompletion | null;
}

const MOUNT_VALUES: readonly ValueArm[] = [
  { keys: ['t'], completes: FSTYPES },
  {
    keys: ['o'],
    completes: {
      lines: [
        `if [[ " \${COMP_WORDS[*]} " == *' --json '* ]]; then`,
        '    _tsmount_list "$cur" "$columns" i',
        'else',
        '    _tsmount_list "$cur" "$mntopts"',
        'fi',
        'return ;;',
      ],
      uses: ['mntopts', 'columns'],
    },
  },
  { keys: ['output'], completes: { lines: ['_tsmount_list "$cur" "$columns" i; return ;;'], uses: ['columns'] } },
  { keys: ['O'], completes: { lines: ['_tsmount_list "$cur" "$mntopts"; return ;;'], uses: ['mntopts'] } },
  { keys: ['T'], completes: { lines: ['_tsmount_files "$cur"; return ;;'] } },
  { keys: ['target', 'target-prefix'], completes: { lines: ['_tsmount_dirs "$cur"; return ;;'] } },
  { keys: ['options-mode'], completes: { lines: [`COMPREPLY=($(compgen -W 'prepend append replace ignore' -- "$cur")); return ;;`] } },
  { keys: ['options-source'], completes: { lines: [`_tsmount_list "$cur" 'fstab mtab disable'; return ;;`] } },
  { keys: ['N'], completes: NAMESPACE },
  { keys: ['L', 'U', 'map-users', 'map-groups', 'uniq-id', 'timeout'], completes: NOTHING },
  { keys: ['wait'], completes: { lines: ['_tsmount_dirs "$cur"; return ;;'] } },
  { keys: ['id'], completes: MOUNT_IDS },
  // --source <device>: a file, as an operand
  { keys: ['source'], completes: null },
];

const UMOUNT_VALUES: readonly ValueArm[] = [
  { keys: ['t'], completes: FSTYPES },
  { keys: ['O', 'uniq-id'], completes: NOTHING },
  { keys: ['N'], completes: NAMESPACE },
  { keys: ['id'], completes: MOUNT_IDS },
];

/**
 * The mount options offered after -o and -O: the common ones, and the forms of util-linux's
 * mount(8) page (ro=vfs, uid=…), not every name of options/table.ts.
 */
const MOUNT_OPTION_WORDS = [
  'defaults', 'ro', 'rw', 'ro=vfs', 'ro=fs', 'ro=recursive', 'rw=recursive', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec',
  'nosymfollow', 'symfollow', 'nodiratime', 'diratime', 'noatime', 'atime', 'relatime', 'norelatime', 'strictatime',
  'nostrictatime', 'sync', 'async', 'dirsync', 'mand', 'nomand', 'lazytime', 'nolazytime', 'silent', 'loud', 'iversion',
  'noiversion', 'remount', 'bind', 'rbind', 'move', 'shared', 'slave', 'private', 'unbindable', 'rshared', 'rslave', 'rprivate',
  'runbindable', 'auto', 'noauto', 'user', 'nouser', 'users', 'nousers', 'owner', 'noowner', 'group', 'nogroup', '_netdev', 'nofail',
  'comment=', 'uhelper=', 'helper=', 'loop', 'loop=', 'offset=', 'sizelimit=', 'uid=', 'gid=', 'X-mount.mkdir', 'X-mount.mkdir=',
  'X-mount.owner=', 'X-mount.group=', 'X-mount.mode=', 'X-mount.subdir=', 'X-mount.idmap=', 'X-mount.noloop',
];

/** A command's function: its options, its case arms, and the lines completing an operand (a word that is neither). */
interface CommandCompletion {
  readonly command: string;
  readonly options: readonly OptionSpec[];
  readonly values: readonly ValueArm[];
  readonly operands: readonly string[];
}

/** The two tables the script is made from (a test may pass others). */
export interface CompletionTables {
  readonly mount: readonly OptionSpec[];
  readonly umount: readonly OptionSpec[];
}

/** Words written between single quotes in the script: nothing bash would read as syntax. */
const SAFE_WORD = /^[A-Za-z0-9_.,:=+-]+$/;

function checkedWord(w: string, what: string): string {
  if (!SAFE_WORD.test(w)) throw new Error(`completion: ${what} ${JSON.stringify(w)} cannot be written in the script`);
  return w;
}

/** Every name of an option as typed: -x, then its long names. */
function names(o: OptionSpec): string[] {
  return [...(o.short !== undefined ? [`-${o.short}`] : []), ...o.long.map((l) => `--${l}`)].map((n) => checkedWord(n, 'option'));
}

const WIDTH = 104;

/**
 * `    local NAME='w1 w2 …'`, wrapped at WIDTH columns with continuation lines indented by 8; the
 * words of a group (an option's names) stay on one line.
 */
function localWords(name: string, groups: readonly (readonly string[])[]): string {
  const lines: string[] = [];
  let line = `    local ${name}='`;
  let empty = true;
  for (const group of groups) {
    const words = group.join(' ');
    if (!empty && line.length + 1 + words.length + 1 > WIDTH) {
      lines.push(line);
      line = `        ${words}`;
    } else {
      line += empty ? words : ` ${words}`;
    }
    empty = false;
  }
  lines.push(`${line}'`);
  return lines.join('\n');
}

/** The case arms of a command: each option with a value is in exactly one arm, every arm's key takes one. */
function caseArms(c: CommandCompletion): string[] {
  const declared = new Set<string>();
  const out: string[] = [];
  for (const arm of c.values) {
    const options = arm.keys.map((k) => {
      if (declared.has(k)) throw new Error(`completion: ${c.command}: ${k} is declared twice`);
      declared.add(k);
      const o = c.options.find((x) => keyOf(x) === k);
      if (!o) throw new Error(`completion: ${c.command} has no option ${k} (declared in src/cli/completion.ts)`);
      if (o.arg !== 'required') throw new Error(`completion: ${c.command}: ${k} takes no separate value`);
      return o;
    });
    if (arm.completes === null) continue;
    out.push(`        ${options.flatMap(names).join('|')})`);
    for (const l of arm.completes.lines) out.push(`            ${l}`);
  }
  for (const o of c.options) {
    if (o.arg === 'required' && !declared.has(keyOf(o))) {
      throw new Error(`completion: ${c.command}: ${names(o).join(', ')} takes a value: declare what it completes to in src/cli/completion.ts`);
    }
  }
  return out;
}

function commandFunction(c: CommandCompletion): string {
  const uses = new Set(c.values.flatMap((a) => a.completes?.uses ?? []));
  const lists: string[] = [localWords('opts', c.options.map(names))];
  if (uses.has('mntopts')) lists.push(localWords('mntopts', MOUNT_OPTION_WORDS.map((w) => [checkedWord(w, 'mount option')])));
  if (uses.has('columns')) lists.push(localWords('columns', COLUMNS.map((w) => [checkedWord(w, 'column')])));
  return [
    `_${c.command}() {`,
    '    local cur=${COMP_WORDS[COMP_CWORD]} prev=',
    '    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}',
    '    COMPREPLY=()',
    '',
    ...lists,
    '',
    '    case $prev in',
    ...caseArms(c),
    '    esac',
    '',
    '    if [[ $cur == -* ]]; then',
    '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
    '        return',
    '    fi',
    ...c.operands.map((l) => `    ${l}`),
    '}',
  ].join('\n');
}

const HEADER = `# bash completion for tsmount(8) and tsumount(8)
#
# Load it in the current shell with \`. docs/completion/tsmount.bash\`, or install it as
# /etc/bash_completion.d/tsmount (or /usr/share/bash-completion/completions/tsmount, with a
# symlink named tsumount next to it). It works with and without the bash-completion package.
#
#   tsmount:  options; filesystem types from /proc/filesystems after -t/--types; option names after
#             -o/--options; column names after --output (and after -o with --json); files otherwise.
#   tsumount: options; mount points from /proc/self/mountinfo; types after -t.
#
# Text from the system (mount point names, filesystem types) is only ever compared, never
# expanded: compgen -W would run a mount point named '$(cmd)'. Column names match in any case.
#
# Generated: do not edit. The option words (opts) and the case patterns come from the commands'
# option tables, src/cli/options-mount.ts and options-umount.ts, the rest from src/cli/completion.ts;
# \`npm run completion\` (after \`npm run build\`) writes this file, and test/unit/cli-options-table.test.js
# fails while it is not the generator's output.
`;

const HELPERS = `_tsmount_fstypes() {
    # The second field of /proc/filesystems ("nodev<TAB>tmpfs" or "<TAB>ext4"), plus "auto";
    # with $1 = "no", the "noTYPE" forms too (type patterns: "notmpfs,ext2" = neither).
    local line type
    printf '%s\\n' auto
    while IFS= read -r line; do
        type=\${line##*$'\\t'}
        [[ -n $type ]] || continue
        printf '%s\\n' "$type"
        [[ $1 == no ]] && printf 'no%s\\n' "$type"
    done < /proc/filesystems 2>/dev/null
}

_tsmount_mountpoints() {
    # Field 5 of /proc/self/mountinfo, with the kernel's four escapes decoded (and nothing else:
    # printf %b would also read "\\c" or "\\x41" in a name as escapes).
    local id parent devno root target rest
    local -A seen=()
    while IFS=' ' read -r id parent devno root target rest; do
        target=\${target//\\\\040/ }
        target=\${target//\\\\011/$'\\t'}
        target=\${target//\\\\012/$'\\n'}
        target=\${target//\\\\134/\\\\}
        [[ -n \${seen[$target]-} ]] && continue
        seen[$target]=1
        printf '%s\\n' "$target"
    done < /proc/self/mountinfo 2>/dev/null
}

# COMPREPLY = the lines of stdin that start with $1 (with $2 = i: in any case), each prefixed
# with $3. A plain comparison: no word of the list is expanded or split.
_tsmount_filter() {
    local cur=$1 nocase=$2 prefix=$3 w
    COMPREPLY=()
    while IFS= read -r w; do
        [[ -n $w ]] || continue
        if [[ $nocase == i ]]; then
            [[ \${w,,} == "\${cur,,}"* ]] && COMPREPLY+=("$prefix$w")
        else
            [[ $w == "$cur"* ]] && COMPREPLY+=("$prefix$w")
        fi
    done
}

# Complete a comma-separated list: one of the words of $2 (blank- or newline-separated) after the
# last comma of $1, or after a leading "+" (--output +COLUMN: added to the default columns).
_tsmount_list() {
    local cur=$1 words=$2 nocase=\${3-} prefix=
    if [[ $cur == *,* ]]; then
        prefix=\${cur%,*},
    elif [[ $cur == +* ]]; then
        prefix=+
    fi
    local -a list
    read -r -d '' -a list <<< "$words" # split on blanks, never globbed
    _tsmount_filter "\${cur#"$prefix"}" "$nocase" "$prefix" < <(printf '%s\\n' "\${list[@]}")
    compopt -o nospace 2>/dev/null
}

_tsmount_files() {
    mapfile -t COMPREPLY < <(compgen -f -- "$1") # a file named '*' is a name, not a pattern
    compopt -o filenames 2>/dev/null
}

_tsmount_dirs() {
    mapfile -t COMPREPLY < <(compgen -d -- "$1")
    compopt -o filenames 2>/dev/null
}
`;

/** The whole of docs/completion/tsmount.bash. */
export function completionScript(tables: CompletionTables = { mount: MOUNT.options, umount: UMOUNT.options }): string {
  const commands: CommandCompletion[] = [
    { command: 'tsmount', options: tables.mount, values: MOUNT_VALUES, operands: ['_tsmount_files "$cur"'] },
    {
      command: 'tsumount',
      options: tables.umount,
      values: UMOUNT_VALUES,
      operands: [`_tsmount_filter "$cur" '' '' < <(_tsmount_mountpoints)`, 'compopt -o filenames 2>/dev/null'],
    },
  ];
  return [
    HEADER,
    HELPERS,
    ...commands.map((c) => `${commandFunction(c)}\n`),
    ...commands.map((c) => `complete -F _${c.command} ${c.command}`),
  ].join('\n') + '\n';
}
