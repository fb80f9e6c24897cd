/* main.c - zcyca-agent -c CONFIG: read the configuration, load the keys,
 * serve on loopback until SIGTERM or SIGINT, then log out and clean up. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agent.h"
#include "http.h"
#include "log.h"
#include "secmem.h"

/* Set by the signal handler, read by the loop: the process's one flag. */
static volatile sig_atomic_t zca_stop_signal;

static void zca_on_signal(int sig)
{
    zca_stop_signal = sig;
}

/* No SA_RESTART: the signal interrupts the loop's poll at once. */
static void zca_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = zca_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);    /* a page that goes away mid-answer */
}

static void zca_usage(FILE *f)
{
    fprintf(f, "usage: zcyca-agent -c CONFIG\n"
               "A local signing service for mod_zcyca's login pages (see docs/agent.md).\n");
}

int main(int argc, char **argv)
{
    zca_agent_t a;
    struct MHD_Daemon *d;
    const char *conf = NULL;
    char err[1024];
    int opt, rc = 0;

    while ((opt = getopt(argc, argv, "c:hV")) != -1) {
        switch (opt) {
        case 'c':
            conf = optarg;
            break;
        case 'h':
            zca_usage(stdout);
            return 0;
        case 'V':
            printf("zcyca-agent %s\n", ZCA_AGENT_VERSION);
            return 0;
        default:
            zca_usage(stderr);
            return 2;
        }
    }
    if (conf == NULL || optind != argc) {
        zca_usage(stderr);
        return 2;
    }

    zca_secmem_install();    /* before any JSON: see secmem.h */
    memset(&a, 0, sizeof a);
    if (!zca_config_load(conf, &a.cfg, err, sizeof err)) {
        ZCA_LOG(0001, "configuration: %s", err);
        return 1;
    }
    zca_signals();
    if (!zca_agent_start(&a) || (d = zca_http_start(&a)) == NULL) {
        zca_agent_stop(&a);
        return 1;
    }
    ZCA_LOG(0002, "zcyca-agent %s ready", ZCA_AGENT_VERSION);
    /* Wake at least once a second so a login ends on time even when no
     * request comes. */
    while (!zca_stop_signal) {
        if (MHD_run_wait(d, 1000) != MHD_YES && !zca_stop_signal) {
            ZCA_LOG(0003, "the HTTP loop failed; stopping");
            rc = 1;
            break;
        }
        zca_login_expire(&a);
    }
    if (zca_stop_signal)
        ZCA_LOG(0004, "signal %d: stopping", (int)zca_stop_signal);
    MHD_stop_daemon(d);
    zca_agent_stop(&a);
    ZCA_LOG(0005, "stopped");
    return rc;
}
