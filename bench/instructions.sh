# shellcheck shell=bash disable=SC2154,SC2034  # pki, module, app_port come from bench/sessions; it reads the results
# bench/instructions.sh - instructions per request under callgrind, for bench/sessions (sourced).
#
# Wall-clock rates on a shared VM scatter by ±20 % from round to round; user-space instructions
# do not.  One httpd of the bench's configuration (other ports, its own logs and caches, the same
# PostgreSQL and sessions) runs as `apache2 -X` under valgrind --tool=callgrind, as nobody.  curl
# sends, over one keep-alive connection, one request of row b (which fills the caches) and then:
#   base: 200 of row a        a2: 400 of row a
#   b:    200 of a + 200 of b m:  200 of a + 200 of b' (the two sessions' cookies in turn)
# so that a = (a2 - base) / 200 and b = (b - base) / 200 per request.  Only the connection's own
# processing counts (--toggle-collect=ap_run_process_connection): start-up, shutdown and the
# child's background threads (session events, CRL watcher, pool upkeep), which do more in a
# longer run, stay out, and the one TLS handshake of each run cancels out up to its RSA blinding
# (about 1 000 instructions per request here).
#
#   zcb_instr_setup DIR TEMPLATE SED-ARGS...   the configuration in DIR (the template filled in with
#                                              the sed arguments given, then the ports moved)
#   zcb_instr_measure COOKIE-B COOKIE-B2       sets instr[base a2 b m] (totals) and instr_a, instr_b,
#                                              instr_m (per request of a, b, b')

zcb_instr_setup() { # DIR TEMPLATE SED-ARGS...
    instr_dir=$1
    local template=$2
    shift 2
    rm -rf "$instr_dir"
    mkdir -p "$instr_dir/httpd" "$instr_dir/pki"
    # nobody reads them: a copy of the throwaway PKI and of the module
    cp -r "$pki"/. "$instr_dir/pki/"
    cp "$module" "$instr_dir/mod_zcyca.so"
    instr_port=$(zcb_free_port $((app_port + 10)))
    instr_app=$(zcb_free_port $((instr_port + 1)))
    sed "$@" -e "s|@RUN@|$instr_dir|g" -e "s|@PORT@|$instr_port|g" -e "s|@APPPORT@|$instr_app|g" \
        -e "s|@PKI@|$instr_dir/pki|g" -e "s|@MODULE@|$instr_dir/mod_zcyca.so|g" "$template" \
        >"$instr_dir/httpd/httpd.conf"
    chown -R nobody "$instr_dir"
    chmod -R a+rX "$instr_dir"
}

# One run: NAME, then curl arguments after the warm-up request.  Prints the total.
_zcb_instr_run() {
    local name=$1 out=$instr_dir/callgrind.$1 pid
    shift
    rm -f "$instr_dir/httpd/httpd.pid" "$instr_dir"/httpd/*scache*
    runuser -u nobody -- valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=ap_run_process_connection \
        /usr/sbin/apache2 -X -d "$instr_dir/httpd" -f "$instr_dir/httpd/httpd.conf" >"$instr_dir/valgrind.$name" 2>&1 9>&- &
    pid=$!
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$instr_app") 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break # it did not start: see valgrind.NAME
        sleep 0.1
    done
    curl -s -w '%{http_code}\n' --cacert "$instr_dir/pki/server-ca.crt" -H "Cookie: $instr_cookie" \
        -o /dev/null "https://127.0.0.1:$instr_app/zc/bench.html" "$@" >"$instr_dir/codes.$name" || true
    kill -TERM "$(cat "$instr_dir/httpd/httpd.pid" 2>/dev/null || echo "$pid")" 2>/dev/null || true
    wait "$pid" || true
    if grep -qv '^200$' "$instr_dir/codes.$name" || ! [[ -s $out ]]; then
        echo "instructions: run $name failed (codes: $(sort "$instr_dir/codes.$name" | uniq -c | tr '\n' ' '); $instr_dir/valgrind.$name)" >&2
        tail -n 5 "$instr_dir/valgrind.$name" >&2
        return 1
    fi
    awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

zcb_instr_measure() { # COOKIE-B COOKIE-B2
    instr_cookie=$1
    local b2=$2 app=https://127.0.0.1:$instr_app i
    local a_urls=() a2_urls=() b_urls=() m_args=()
    for ((i = 0; i < 200; i++)); do
        a_urls+=(-o /dev/null "$app/open/bench.html") # curl: one -o for each URL
        b_urls+=(-o /dev/null "$app/zc/bench.html")
        # b': a new option set per request (--next) on the same connection, the cookies in turn
        m_args+=(--next -s -o /dev/null -w '%{http_code}\n' --cacert "$instr_dir/pki/server-ca.crt"
            -H "Cookie: $( ((i % 2)) && echo "$instr_cookie" || echo "$b2")" "$app/zc/bench.html")
    done
    a2_urls=("${a_urls[@]}" "${a_urls[@]}")
    declare -gA instr
    instr[base]=$(_zcb_instr_run base "${a_urls[@]}") &&
        instr[a2]=$(_zcb_instr_run a2 "${a2_urls[@]}") &&
        instr[b]=$(_zcb_instr_run b "${a_urls[@]}" "${b_urls[@]}") &&
        instr[m]=$(_zcb_instr_run m "${a_urls[@]}" "${m_args[@]}") || return 1
    instr_a=$(((instr[a2] - instr[base]) / 200))
    instr_b=$(((instr[b] - instr[base]) / 200))
    instr_m=$(((instr[m] - instr[base]) / 200))
}
