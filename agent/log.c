/* log.c - "2026-12-02T10:00:00Z zcyca-agent[123] ZCAGENT0001: text" on stderr. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void zca_logv(const char *id, const char *fmt, va_list ap)
{
    char when[32] = "";
    char msg[1024];
    struct tm tm;
    time_t now = time(NULL);

    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';    /* libmicrohttpd ends its messages with one */
    /* Control characters would let a request forge log lines: the messages
     * carry header values (Origin, Host) and libmicrohttpd's texts. */
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    fprintf(stderr, "%s zcyca-agent[%ld] %s: %s\n", when, (long)getpid(), id, msg);
    fflush(stderr);
}

void zca_log(const char *id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    zca_logv(id, fmt, ap);
    va_end(ap);
}
