/* reply.h - the answer of every call: {"code","msg","msg_en","data"}. */
#ifndef ZCA_REPLY_H
#define ZCA_REPLY_H

#include <jansson.h>

typedef enum {
    ZCA_OK = 0,
    ZCA_E_BAD_REQUEST = 1,       /* bad JSON, missing or wrong field */
    ZCA_E_UNKNOWN_FUNCTION = 2,
    ZCA_E_NO_CERT = 3,
    ZCA_E_PIN_INCORRECT = 4,     /* data: {"retries_left": n} */
    ZCA_E_PIN_LOCKED = 5,
    ZCA_E_NOT_LOGGED_IN = 6,
    ZCA_E_REFUSED = 7,           /* the signing guard */
    ZCA_E_TOKEN = 8,             /* token or internal error */
    ZCA_E_ORIGIN = 9,            /* HTTP 403 */
    ZCA_E_TOO_LARGE = 10,        /* HTTP 413 */
} zca_code_t;

/* The answer for CODE with DATA (taken over; NULL -> null for errors, {} for
 * success).  MSG / MSG_EN replace the code's own texts when not NULL. */
json_t *zca_reply(zca_code_t code, json_t *data, const char *msg, const char *msg_en);
/* The HTTP status that carries CODE: 403 for 9, 413 for 10, else 200 (the
 * code in the body is the answer, as vendors' SOF services do it). */
unsigned zca_reply_status(zca_code_t code);

#endif
