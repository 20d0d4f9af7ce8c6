# bash completion for tsmount(8) and tsumount(8)
#
# Load it in the current shell with `. docs/completion/tsmount.bash`, or install it as
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
# `npm run completion` (after `npm run build`) writes this file, and test/unit/cli-options-table.test.js
# fails while it is not the generator's output.

_tsmount_fstypes() {
    # The second field of /proc/filesystems ("nodev<TAB>tmpfs" or "<TAB>ext4"), plus "auto";
    # with $1 = "no", the "noTYPE" forms too (type patterns: "notmpfs,ext2" = neither).
    local line type
    printf '%s\n' auto
    while IFS= read -r line; do
        type=${line##*$'\t'}
        [[ -n $type ]] || continue
        printf '%s\n' "$type"
        [[ $1 == no ]] && printf 'no%s\n' "$type"
    done < /proc/filesystems 2>/dev/null
}

_tsmount_mountpoints() {
    # Field 5 of /proc/self/mountinfo, with the kernel's four escapes decoded (and nothing else:
    # printf %b would also read "\c" or "\x41" in a name as escapes).
    local id parent devno root target rest
    local -A seen=()
    while IFS=' ' read -r id parent devno root target rest; do
        target=${target//\\040/ }
        target=${target//\\011/$'\t'}
        target=${target//\\012/$'\n'}
        target=${target//\\134/\\}
        [[ -n ${seen[$target]-} ]] && continue
        seen[$target]=1
        printf '%s\n' "$target"
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
            [[ ${w,,} == "${cur,,}"* ]] && COMPREPLY+=("$prefix$w")
        else
            [[ $w == "$cur"* ]] && COMPREPLY+=("$prefix$w")
        fi
    done
}

# Complete a comma-separated list: one of the words of $2 (blank- or newline-separated) after the
# last comma of $1, or after a leading "+" (--output +COLUMN: added to the default columns).
_tsmount_list() {
    local cur=$1 words=$2 nocase=${3-} prefix=
    if [[ $cur == *,* ]]; then
        prefix=${cur%,*},
    elif [[ $cur == +* ]]; then
        prefix=+
    fi
    local -a list
    read -r -d '' -a list <<< "$words" # split on blanks, never globbed
    _tsmount_filter "${cur#"$prefix"}" "$nocase" "$prefix" < <(printf '%s\n' "${list[@]}")
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

_tsmount() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local opts='-a --all --beneath --exclusive -f --fake -T --fstab -F --fork -h --help -n --no-mtab
        -r --read-only --ro -v --verbose -V --version -w --read-write --rw -o --options -O --test-opts
        -t --types -U --uuid -L --label -B --bind -M --move -R --rbind --make-shared --make-slave
        --make-private --make-unbindable --make-rshared --make-rslave --make-rprivate
        --make-runbindable --map-groups --map-users -m --mkdir -c --no-canonicalize -i --internal-only
        -l --show-labels --target --target-prefix --source --onlyonce --options-mode --options-source
        --options-source-force -N --namespace -s --output --dry-run --json --list --id --uniq-id --poll
        --first-only --timeout --wait'
    local mntopts='defaults ro rw ro=vfs ro=fs ro=recursive rw=recursive nosuid suid nodev dev noexec
        exec nosymfollow symfollow nodiratime diratime noatime atime relatime norelatime strictatime
        nostrictatime sync async dirsync mand nomand lazytime nolazytime silent loud iversion
        noiversion remount bind rbind move shared slave private unbindable rshared rslave rprivate
        runbindable auto noauto user nouser users nousers owner noowner group nogroup _netdev nofail
        comment= uhelper= helper= loop loop= offset= sizelimit= uid= gid= X-mount.mkdir X-mount.mkdir=
        X-mount.owner= X-mount.group= X-mount.mode= X-mount.subdir= X-mount.idmap= X-mount.noloop'
    local columns='SOURCE TARGET FSTYPE OPTIONS VFS-OPTIONS FS-OPTIONS PROPAGATION ID PARENT LABEL UUID
        UIDMAP GIDMAP'

    case $prev in
        -t|--types)
            local last=${cur##*,}
            _tsmount_list "$cur" "$(_tsmount_fstypes "${last:0:2}")"; return ;;
        -o|--options)
            if [[ " ${COMP_WORDS[*]} " == *' --json '* ]]; then
                _tsmount_list "$cur" "$columns" i
            else
                _tsmount_list "$cur" "$mntopts"
            fi
            return ;;
        --output)
            _tsmount_list "$cur" "$columns" i; return ;;
        -O|--test-opts)
            _tsmount_list "$cur" "$mntopts"; return ;;
        -T|--fstab)
            _tsmount_files "$cur"; return ;;
        --target|--target-prefix)
            _tsmount_dirs "$cur"; return ;;
        --options-mode)
            COMPREPLY=($(compgen -W 'prepend append replace ignore' -- "$cur")); return ;;
        --options-source)
            _tsmount_list "$cur" 'fstab mtab disable'; return ;;
        -N|--namespace)
            COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && printf '%s\n' [0-9]*)" -- "$cur"))
            [[ $cur == /* ]] && _tsmount_files "$cur"
            return ;;
        -L|--label|-U|--uuid|--map-users|--map-groups|--uniq-id|--timeout)
            return ;;
        --wait)
            _tsmount_dirs "$cur"; return ;;
        --id)
            COMPREPLY=($(compgen -W "$(cut -d' ' -f1 /proc/self/mountinfo 2>/dev/null)" -- "$cur")); return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    _tsmount_files "$cur"
}

_tsumount() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local opts='-a --all -A --all-targets -d --detach-loop --fake -f --force -h --help
        -i --internal-only -l --lazy -c --no-canonicalize -n --no-mtab -q --quiet -r --read-only
        -R --recursive -O --test-opts -t --types -v --verbose -V --version -N --namespace -g --graceful
        --id --uniq-id'

    case $prev in
        -t|--types)
            local last=${cur##*,}
            _tsmount_list "$cur" "$(_tsmount_fstypes "${last:0:2}")"; return ;;
        -O|--test-opts|--uniq-id)
            return ;;
        -N|--namespace)
            COMPREPLY=($(compgen -W "$(cd /proc 2>/dev/null && printf '%s\n' [0-9]*)" -- "$cur"))
            [[ $cur == /* ]] && _tsmount_files "$cur"
            return ;;
        --id)
            COMPREPLY=($(compgen -W "$(cut -d' ' -f1 /proc/self/mountinfo 2>/dev/null)" -- "$cur")); return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    _tsmount_filter "$cur" '' '' < <(_tsmount_mountpoints)
    compopt -o filenames 2>/dev/null
}

complete -F _tsmount tsmount
complete -F _tsumount tsumount
