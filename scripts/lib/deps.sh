# shellcheck shell=bash
# scripts/lib/deps.sh - install missing Debian packages.  Source it:
#
#   . scripts/lib/deps.sh
#   zc_deps_install "${ZC_BUILD_DEPS[@]}" "${ZC_TEST_DEPS[@]}"
#
# Quiet when everything is already there, so scripts can call it on every run.
# All names checked with `apt-cache policy` on Debian 12 (bookworm).

# shellcheck disable=SC2034  # used by the scripts that source this file
ZC_BUILD_DEPS=(autoconf automake libtool pkg-config make gcc apache2 apache2-dev libssl-dev openssl
    libpq-dev libjansson-dev libcmocka-dev postgresql postgresql-contrib curl ca-certificates perl libmicrohttpd-dev libp11-dev libp11-kit-dev)
# shellcheck disable=SC2034
ZC_TEST_DEPS=(libapache2-mod-perl2 libapache2-mod-perl2-dev libwww-perl libio-socket-ssl-perl
    libjson-pp-perl libipc-run-perl libdbd-pg-perl valgrind softhsm2 opensc libengine-pkcs11-openssl
    redis-server chromium fonts-wqy-microhei libcurl4-openssl-dev)
# shellcheck disable=SC2034
# bench/ (challenge-login, sessions): load generators, and the apr-util PostgreSQL driver that
# mod_dbd needs for the mod_session_dbd peer in bench/sessions (htpasswd is in apache2-utils)
ZC_BENCH_DEPS=(libcurl4-openssl-dev wrk libaprutil1-dbd-pgsql apache2-utils util-linux valgrind)
# shellcheck disable=SC2034
# scripts/demo on top of the build: the SoftHSM2 "CA lock" the reference agent signs with
# (scripts/mktoken), and htpasswd for the password logins
ZC_DEMO_DEPS=(softhsm2 opensc libengine-pkcs11-openssl apache2-utils)
# (scripts/check's browser step also needs node >= 18 and npm: nodejs/npm from Debian when node is missing)

zc_deps_install() { # PKG...
    local pkg missing=() status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) || status=""
        [[ $status == "install ok installed" ]] || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local cmd=(apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}")
    if [[ $EUID -ne 0 ]]; then
        printf 'zc_deps: missing packages: %s\n' "${missing[*]}" >&2
        printf 'zc_deps: as root run:\n  apt-get update -q && DEBIAN_FRONTEND=noninteractive %s\n' "${cmd[*]}" >&2
        return 1
    fi
    printf 'zc_deps: installing %s\n' "${missing[*]}" >&2
    local log
    log=$(mktemp) || return 1
    # one update per call, and only when something is missing: index refreshes are slow.
    # Another install may hold the dpkg lock (parallel checkouts): wait for it rather than fail.
    if ! apt-get -o DPkg::Lock::Timeout=600 update -q >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"
        printf 'zc_deps: apt-get update failed\n' >&2
        return 1
    fi
    if ! DEBIAN_FRONTEND=noninteractive "${cmd[@]}" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"
        printf 'zc_deps: %s failed\n' "${cmd[*]}" >&2
        return 1
    fi
    rm -f "$log"
}
