/* log.h - the agent's log: one line per event on stderr, each with a unique
 * id (ZCA_LOG(0001, ...) -> "ZCAGENT0001"), listed in docs/agent.md.
 * Never pass a PIN, a key, a signature or the data to be signed. */
#ifndef ZCA_LOG_H
#define ZCA_LOG_H

#include <stdarg.h>

/* One id per call site; keep an id when only the wording changes. */
#define ZCA_LOG_ID(n) ("ZCAGENT" #n)
#define ZCA_LOG(n, ...) zca_log(ZCA_LOG_ID(n), __VA_ARGS__)

void zca_log(const char *id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void zca_logv(const char *id, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
