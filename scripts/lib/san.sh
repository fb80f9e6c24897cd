# shellcheck shell=bash
# scripts/lib/san.sh - the sanitizer build and its report scan (docs/testing.md, "Sanitizer
# build").  Source it:
#
#   . scripts/lib/san.sh
#   zc_san_sync TOP DIR    # DIR becomes a copy of TOP's files (git ls-files: tracked and untracked,
#                          # not ignored; plus the autotools output); unchanged files keep their
#                          # mtime, so make rebuilds only what changed; files gone from TOP go
#   zc_san_build DIR       # ./configure --enable-sanitizers --disable-agent there (once), make
#   zc_san_unit DIR        # the cmocka tests there (make check-TESTS), natively under ASan + UBSan
#   zc_san_env LOGDIR      # exports ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS (reports go to
#                          # LOGDIR/asan.PID, LOGDIR/ubsan.PID) and APACHE_TEST_HTTPD (t/sanitizers/httpd)
#   zc_san_scan LOGDIR [ERROR_LOG...]  # t/sanitizers/scan: prints every report (and every child
#                          # that died of a signal in the error logs); returns 1 if there is any
#
# Why a copy and not a VPATH build: the plain build is configured in the source tree, and
# automake refuses a VPATH build of a configured tree (make would find the tree's own objects
# through VPATH and take them as up to date).

_zc_san_err() { printf 'zc_san: %s\n' "$*" >&2; }

zc_san_sync() { # TOP DIR
    local top=$1 dir=$2 f
    git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
        || { _zc_san_err "$top is not a git checkout: the sanitizer build copies its files by git ls-files"; return 1; }
    mkdir -p "$dir" || return 1
    # the list: what git would see, plus configure & co. made by autoreconf in TOP
    (cd "$top" && {
        git ls-files -z -co --exclude-standard
        git ls-files -z -oi --exclude-standard -- configure aclocal.m4 config.h.in Makefile.in build-aux m4
    } | while IFS= read -r -d '' f; do
        [[ -e $f || -L $f ]] && printf '%s\n' "$f"    # (a tracked file deleted in the tree is not copied)
    done | LC_ALL=C sort -u) >"$dir/.zc-san-files.new" || return 1
    if [[ -f $dir/.zc-san-files ]]; then
        LC_ALL=C comm -23 "$dir/.zc-san-files" "$dir/.zc-san-files.new" | while IFS= read -r f; do
            rm -f -- "$dir/$f"
        done
    fi
    # tar keeps each file's mtime: make sees a changed file as changed, and nothing else
    tr '\n' '\0' <"$dir/.zc-san-files.new" | tar -C "$top" --null -T - -cf - | tar -C "$dir" -xf - || return 1
    mv -f "$dir/.zc-san-files.new" "$dir/.zc-san-files"
}

zc_san_build() { # DIR
    (
        cd "$1" || exit 1
        if [[ ! -f Makefile ]]; then
            ./configure -q --enable-sanitizers --disable-agent || exit 1
        fi
        grep -q -- '-fsanitize=address' Makefile \
            || { _zc_san_err "$1 is configured without --enable-sanitizers: rm -rf $1"; exit 1; }
        make -s -j2
    )
}

# The unit tests run natively: valgrind cannot run an ASan binary (both replace malloc and
# ASan's shadow memory is too big for it).  A report fails the test (exit status), and
# make check prints it.  Leak detection is on (LSan), as valgrind's --leak-check was.
zc_san_unit() { # DIR
    (
        cd "$1" || exit 1
        export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        # check-TESTS: the tests alone (make check would run the drift check again, as check-local)
        make -s -j2 check-TESTS || { cat test-suite.log 2>/dev/null; exit 1; }
        for t in t/unit/test_*.log; do sed -n '/\[==========\]/p;/PASSED\|FAILED/p' "$t"; done
    )
}

zc_san_env() { # LOGDIR
    local logdir=$1 top
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    mkdir -p "$logdir" || return 1
    rm -f "$logdir"/asan.* "$logdir"/ubsan.* "$logdir"/modules
    chmod 1777 "$logdir"   # httpd's children run as nobody and write their reports here
    ZC_ASAN_RUNTIME=$(gcc -print-file-name=libasan.so)
    [[ -e $ZC_ASAN_RUNTIME ]] || { _zc_san_err "no ASan runtime ($ZC_ASAN_RUNTIME): apt-get install libasan8"; return 1; }
    export ZC_ASAN_RUNTIME
    export APACHE_TEST_HTTPD=$top/t/sanitizers/httpd
    # where each httpd mapped the module (mod_zcyca/sanitizers.c), for the parent's reports
    export ZC_SAN_MODULE_MAP=$logdir/modules
    # log_path: a file per process (asan.PID), whoever it runs as and however it ends; stderr would
    # be the error log of whichever httpd it was, interleaved with other children's lines.
    # allow_user_segv_handler=0: httpd's own SIGSEGV handler (ap_fatal_signal_setup) would otherwise
    # replace ASan's, and a crash would leave only "exit signal Segmentation fault" behind.
    # handle_abort=1: an abort() (APR's out-of-memory, an assert) gets a report and a stack too.
    # fast_unwind_on_malloc=0, malloc_context_size=64: OpenSSL has no frame pointers, so the fast
    # unwinder stops inside libcrypto and a leak's stack would not show which of our calls made it.
    # exitcode=0: httpd's first process exits with LeakSanitizer's reports of httpd's own memory,
    # which must not read as a failed start; the report files, not exit codes, are the verdict.
    export ASAN_OPTIONS="log_path=$logdir/asan:allow_user_segv_handler=0:handle_abort=1:detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=64:exitcode=0"
    # use_tls=0: gcc 12's LeakSanitizer reads a stale dynamic-TLS entry in an httpd that exits on
    # a configuration error (t/90: "Tracer caught signal 11", "DTLS 8 at 0x654") and dies instead
    # of checking.  Without TLS as a root, what glibc's loader keeps there looks leaked:
    # t/sanitizers/lsan.supp.
    export LSAN_OPTIONS="suppressions=$top/t/sanitizers/lsan.supp:print_suppressions=0:use_tls=0"
    # handle_*=0: UBSan's runtime (linked into the module) leaves crashes to ASan's handlers.
    export UBSAN_OPTIONS="log_path=$logdir/ubsan:print_stacktrace=1:halt_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0"
}

zc_san_scan() { # LOGDIR [ERROR_LOG...]
    local top
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    perl "$top/t/sanitizers/scan" "$@"
}
