/* sof.h - one SOF call: the JSON body in, the JSON answer out. */
#ifndef ZCA_SOF_H
#define ZCA_SOF_H

#include <stddef.h>

#include <jansson.h>

struct zca_agent;

/* BODY[LEN] from ORIGIN (allowed, normal form).  Returns the answer (reply.h),
 * NULL only when out of memory. */
json_t *zca_sof_call(struct zca_agent *a, const char *origin, const char *body, size_t len);

#endif
