# shellcheck shell=bash
# scripts/lib/pg.sh - throwaway PostgreSQL 15 clusters for tests and demos.  Source it:
#
#   . scripts/lib/pg.sh
#   zc_pg_start DIR [PORT]   # init (or reuse) + start; creates db zcyca; exports PG* and ZCYCA_DB
#   zc_pg_stop DIR           # fast shutdown
#   zc_pg_kill DIR           # immediate shutdown (crash-like; for failure tests)
#   zc_pg_resume DIR         # start a stopped cluster again on the same port; exports the same vars
#   zc_pg_destroy DIR        # stop and rm -rf DIR
#
# Layout: DIR/data (cluster), DIR/sock (unix socket), DIR/server.log, DIR/port.
# Trust auth is fine here: the server listens on 127.0.0.1 and a private socket dir only.
# The functions return non-zero with a message on failure and never exit the caller's shell.

ZC_PGBIN=${ZC_PGBIN:-/usr/lib/postgresql/15/bin}
ZC_PG_PORT_MIN=55432
ZC_PG_PORT_MAX=55531

_zc_pg_err() { printf 'zc_pg: %s\n' "$*" >&2; }

# initdb and postgres refuse to run as root
_zc_pg_as() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Absolute DIR; refuses empty and "/" so that zc_pg_destroy cannot wipe something important.
_zc_pg_dir() {
    local d
    [[ -n ${1:-} ]] || { _zc_pg_err "DIR argument missing"; return 1; }
    d=$(realpath -m -- "$1") || return 1
    [[ $d != / ]] || { _zc_pg_err "refusing DIR=/"; return 1; }
    printf '%s\n' "$d"
}

_zc_pg_port_busy() {
    if command -v ss >/dev/null 2>&1; then
        [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# A free port in the range, starting at a random offset so parallel test runs rarely collide
# (and a collision is retried by _zc_pg_boot anyway).
_zc_pg_pick_port() {
    local n=$((ZC_PG_PORT_MAX - ZC_PG_PORT_MIN + 1)) off=$((RANDOM % (ZC_PG_PORT_MAX - ZC_PG_PORT_MIN + 1))) i p
    for ((i = 0; i < n; i++)); do
        p=$((ZC_PG_PORT_MIN + (off + i) % n))
        _zc_pg_port_busy "$p" || { echo "$p"; return 0; }
    done
    _zc_pg_err "no free port in $ZC_PG_PORT_MIN-$ZC_PG_PORT_MAX"
    return 1
}

_zc_pg_running() { [[ -f $1/data/postmaster.pid ]] && _zc_pg_as "$ZC_PGBIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

_zc_pg_export() { # DIR PORT
    export PGHOST="$1/sock" PGPORT="$2" PGUSER=postgres PGDATABASE=zcyca
    export ZCYCA_DB="host=127.0.0.1 port=$2 dbname=zcyca user=postgres"
}

# Settings that follow the port live in an included file, so pg_ctl start needs no -o and
# a cluster can be restarted by hand with plain `pg_ctl -D DIR/data start`.
_zc_pg_write_conf() { # DIR PORT
    local spl=""
    # optional: later perf work reads pg_stat_statements; absent contrib must not break tests
    [[ -f $("$ZC_PGBIN/pg_config" --pkglibdir)/pg_stat_statements.so ]] && spl=pg_stat_statements
    cat > "$1/data/zcyca.conf" <<EOF
# written by scripts/lib/pg.sh
port = $2
listen_addresses = '127.0.0.1'
unix_socket_directories = '$1/sock'
max_connections = 200
shared_preload_libraries = '$spl'
# throwaway data: durability only costs time
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    chown postgres:postgres "$1/data/zcyca.conf" 2>/dev/null || true
}

# Start the existing cluster in DIR on PORT; 0 ok, 1 failed, 2 port taken (caller may retry).
_zc_pg_boot() { # DIR PORT
    local dir=$1 port=$2
    _zc_pg_write_conf "$dir" "$port"
    rm -f "$dir/sock/.s.PGSQL.$port" "$dir/sock/.s.PGSQL.$port.lock"
    if ! _zc_pg_as "$ZC_PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1; then
        if tail -n 20 "$dir/server.log" 2>/dev/null | grep -q 'could not bind\|Address already in use'; then
            return 2
        fi
        _zc_pg_err "postgres in $dir failed to start; last lines of $dir/server.log:"
        tail -n 15 "$dir/server.log" >&2 2>/dev/null || true
        return 1
    fi
    echo "$port" > "$dir/port"
}

zc_pg_start() { # DIR [PORT]
    local dir port="${2:-}" p tries rc
    dir=$(_zc_pg_dir "${1:-}") || return 1
    [[ -x $ZC_PGBIN/postgres ]] || { _zc_pg_err "$ZC_PGBIN/postgres missing (install postgresql-15)"; return 1; }

    if _zc_pg_running "$dir"; then   # already up: just hand out its coordinates
        _zc_pg_export "$dir" "$(<"$dir/port")"
        return 0
    fi

    mkdir -p "$dir/sock" || return 1
    chmod 0755 "$dir"
    # the postgres user must be able to walk down to DIR
    p=$(dirname "$dir")
    while [[ $p != / ]]; do
        if [[ $(stat -c %A "$p") != ?????????[xt] ]]; then
            _zc_pg_err "WARNING: $p is not o+x; user postgres cannot reach $dir (chmod o+x $p or use a DIR under /tmp)"
        fi
        p=$(dirname "$p")
    done
    touch "$dir/.zc_pg"   # marks DIR as ours for zc_pg_destroy
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir/sock"; fi

    if [[ ! -f $dir/data/PG_VERSION ]]; then
        rm -rf "$dir/data"
        mkdir -p "$dir/data" && chmod 0700 "$dir/data" || return 1
        if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir/data"; fi
        if ! _zc_pg_as "$ZC_PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
                --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
            _zc_pg_err "initdb failed:"; cat "$dir/initdb.log" >&2
            return 1
        fi
        echo "include_if_exists = 'zcyca.conf'" >> "$dir/data/postgresql.conf"
    fi
    if [[ $EUID -eq 0 ]]; then touch "$dir/server.log" && chown postgres:postgres "$dir/server.log"; fi

    # reuse: a stopped cluster keeps its old port unless one is asked for
    [[ -z $port && -f $dir/port ]] && port=$(<"$dir/port")
    for ((tries = 0; tries < 5; tries++)); do
        if [[ -z $port ]] || { [[ -z ${2:-} ]] && _zc_pg_port_busy "$port"; }; then
            port=$(_zc_pg_pick_port) || return 1
        fi
        rc=0; _zc_pg_boot "$dir" "$port" || rc=$?
        [[ $rc -eq 0 ]] && break
        if [[ $rc -eq 2 && -z ${2:-} ]]; then port=""; continue; fi   # raced for a port: next one
        [[ $rc -eq 2 ]] && _zc_pg_err "port $port is in use"
        return 1
    done
    [[ $rc -eq 0 ]] || { _zc_pg_err "could not find a free port"; return 1; }

    _zc_pg_export "$dir" "$port"
    if [[ -z $("$ZC_PGBIN/psql" -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'zcyca'") ]]; then
        "$ZC_PGBIN/createdb" -O postgres zcyca || { _zc_pg_err "createdb zcyca failed"; return 1; }
    fi
}

zc_pg_resume() { # DIR - same port as before, because the test that restarts the db expects it
    local dir rc=0
    dir=$(_zc_pg_dir "${1:-}") || return 1
    [[ -f $dir/data/PG_VERSION && -f $dir/port ]] || { _zc_pg_err "no cluster in $dir"; return 1; }
    if ! _zc_pg_running "$dir"; then
        _zc_pg_boot "$dir" "$(<"$dir/port")" || rc=$?
        [[ $rc -eq 2 ]] && _zc_pg_err "port $(<"$dir/port") of $dir is taken by another process"
        [[ $rc -eq 0 ]] || return 1
    fi
    _zc_pg_export "$dir" "$(<"$dir/port")"
}

_zc_pg_shutdown() { # DIR MODE
    local dir
    dir=$(_zc_pg_dir "${1:-}") || return 1
    _zc_pg_running "$dir" || return 0
    _zc_pg_as "$ZC_PGBIN/pg_ctl" -D "$dir/data" -m "$2" -w -t 30 stop >/dev/null ||
        { _zc_pg_err "pg_ctl stop -m $2 failed for $dir"; return 1; }
}

zc_pg_stop() { _zc_pg_shutdown "${1:-}" fast; }
zc_pg_kill() { _zc_pg_shutdown "${1:-}" immediate; }

zc_pg_destroy() { # DIR
    local dir
    dir=$(_zc_pg_dir "${1:-}") || return 1
    [[ -e $dir ]] || return 0
    [[ -e $dir/.zc_pg ]] || { _zc_pg_err "$dir was not made by zc_pg_start; not removing it"; return 1; }
    _zc_pg_shutdown "$dir" immediate || return 1   # data is discarded anyway
    rm -rf -- "$dir"
}
