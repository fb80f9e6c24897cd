# shellcheck shell=bash
# bench/lib.sh - pieces shared by the bench/ scripts (challenge-login, sessions).  Source it from
# the top of the checkout, after scripts/lib/deps.sh and scripts/lib/pg.sh:
#
#   zcb_build_module WHAT          sets $module: ZCBENCH_MODULE, or `make -s` of the working tree
#   zcb_cc OUT SRC PKG...          gcc -std=c11 -O2 -Wall -Wextra -Werror with pkg-config PKGs, -pthread
#   zcb_free_port PORT             the first port from PORT on that nothing listens on (127.0.0.1)
#   zcb_pg_fresh DIR               a fresh throwaway PostgreSQL in DIR, migrated; sets have_pgss
#   zcb_bind_sql PKI LOGIN PROVIDER CERT   INSERT of a binding of PKI/CERT.crt to account LOGIN
#   zcb_httpd_start DIR CONF PORT [CMD...] configtest, start (CMD prefixes apache2, e.g. taskset -c 1),
#                                  wait until the pid file exists and PORT answers
#   zcb_httpd_stop DIR CONF        stop and wait for the parent to exit
#   zcb_tree_pids PID              PID and all its descendants, one a line
#   zcb_tree_ticks PID             utime+stime+cutime+cstime (clock ticks) of PID and its descendants
#   zcb_cpu_ticks CPU              "busy total" jiffies of one CPU (/proc/stat cpuN)
#
# Messages name the calling script ($zcb_prog, default its file name).  Functions that find a
# fatal problem exit the script: they are meant for scripts run with set -euo pipefail.

zcb_prog=${zcb_prog:-$(basename "$0")}

zcb_build_module() { # WHAT (the bench's own programs, named in the build line)
    module=${ZCBENCH_MODULE:-}
    if [[ -n $module ]]; then
        [[ -f $module ]] || { echo "$zcb_prog: ZCBENCH_MODULE=$module does not exist" >&2; exit 2; }
        module=$(realpath "$module")
        echo "== build ($1; module given: $module)"
    else
        echo "== build (mod_zcyca, $1)"
        [[ -x configure ]] || autoreconf -fi >/dev/null 2>&1
        [[ -f Makefile ]] || ./configure -q
        make -s -j2 >/dev/null
        module=$PWD/mod_zcyca.so
        local rev
        rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
        git diff --quiet HEAD -- mod_zcyca 2>/dev/null || rev="$rev + uncommitted changes in mod_zcyca/"
        echo "   mod_zcyca.so of $rev"
    fi
}

zcb_cc() { # OUT SRC PKG...
    local out=$1 src=$2
    shift 2
    # shellcheck disable=SC2046  # pkg-config's flags are meant to split
    gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$out" "$src" $(pkg-config --cflags --libs "$@") -pthread
}

zcb_free_port() { # PORT
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

# shellcheck disable=SC2034  # have_pgss is read by the calling script
zcb_pg_fresh() { # DIR
    zc_pg_destroy "$1" >/dev/null 2>&1 || true
    zc_pg_start "$1" >/dev/null 9>&- # fd 9: a calling script's run lock stays with the script
    scripts/migrate >/dev/null
    have_pgss=0
    if psql -X -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1; then have_pgss=1; fi
}

_zcb_dn() { openssl x509 -in "$1" -noout "-$2" -nameopt RFC2253,-esc_msb | cut -d= -f2- | sed "s/'/''/g"; }
_zcb_spki() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }

zcb_bind_sql() { # PKI LOGIN PROVIDER CERT   (key id = SPKI SHA-256, the default ZcyCAProviderKeyId)
    local crt=$1/$4.crt spki
    spki=$(_zcb_spki "$crt")
    printf "INSERT INTO zcyca.bindings (account_id, provider_id, key_id, cert_sha256, spki_sha256, issuer_dn, serial,
      subject_dn, not_before, not_after, bound_by)
      SELECT id, '%s', '%s', '%s', '%s', '%s', '%s', '%s', now(), now() + interval '1 year', id
      FROM zcyca.accounts WHERE login = '%s';\n" \
        "$3" "$spki" "$(openssl x509 -in "$crt" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)" "$spki" \
        "$(_zcb_dn "$crt" issuer)" "$(openssl x509 -in "$crt" -noout -serial | cut -d= -f2)" \
        "$(_zcb_dn "$crt" subject)" "$2"
}

zcb_httpd_start() { # DIR CONF PORT [CMD...]
    local dir=$1 conf=$2 port=$3
    shift 3
    /usr/sbin/apache2 -d "$dir" -f "$conf" -t 2>/dev/null || /usr/sbin/apache2 -d "$dir" -f "$conf" -t
    "$@" /usr/sbin/apache2 -d "$dir" -f "$conf" -k start 9>&-
    for _ in $(seq 50); do [[ -s $dir/httpd.pid ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done
    echo "$zcb_prog: httpd did not come up on 127.0.0.1:$port; last lines of $dir/error_log:" >&2
    tail -n 20 "$dir/error_log" >&2 2>/dev/null || true
    exit 1
}

zcb_httpd_stop() { # DIR CONF
    [[ -f $1/httpd.pid ]] || return 0
    local pid
    pid=$(<"$1/httpd.pid")
    /usr/sbin/apache2 -d "$1" -f "$2" -k stop 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# One pass over /proc/*/stat: "pid ppid ticks" per process.  The command name may hold spaces and
# ')', so the fields are taken after the last ')'.
_zcb_proc_table() {
    # a process that exits meanwhile makes cat fail: not an error here
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk '{
        pid = $1; s = $0; sub(/^.*\) /, "", s); n = split(s, f, " ")
        if (n >= 15) print pid, f[2], f[12] + f[13] + f[14] + f[15] }'
}

_zcb_tree() { # PID MODE(pids|ticks)
    _zcb_proc_table | awk -v root="$1" -v mode="$2" '
        { pid[NR] = $1; ppid[NR] = $2; t[NR] = $3; in_[NR] = ($1 == root); n = NR }
        END {
            # descendants: repeat until nothing changes (process trees are shallow)
            for (changed = 1; changed;) {
                changed = 0
                for (i = 1; i <= n; i++) {
                    if (in_[i]) continue
                    for (j = 1; j <= n; j++) if (in_[j] && pid[j] == ppid[i]) { in_[i] = 1; changed = 1; break }
                }
            }
            sum = 0; found = 0
            for (i = 1; i <= n; i++) if (in_[i]) { sum += t[i]; found += (pid[i] == root); if (mode == "pids") print pid[i] }
            if (mode == "ticks") print (found ? sum : -1)
        }'
}
zcb_tree_pids() { _zcb_tree "$1" pids; }
zcb_tree_ticks() { _zcb_tree "$1" ticks; }

zcb_cpu_ticks() { # CPU -> "busy total"
    awk -v c="cpu$1" '$1 == c { b = $2 + $3 + $4 + $7 + $8 + $9; print b, b + $5 + $6 }' /proc/stat
}
