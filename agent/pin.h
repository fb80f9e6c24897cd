/* pin.h - the agent's own PIN retry counter, per key.
 *
 * SoftHSM2 and key files never lock, so the agent counts: pin-retries wrong
 * PINs in a row lock the key until the agent restarts; a right PIN resets
 * the count.  A token that reports its own state (CKF_USER_PIN_FINAL_TRY,
 * CKF_USER_PIN_LOCKED) is believed when it says less.  Pure. */
#ifndef ZCA_PIN_H
#define ZCA_PIN_H

#include <stddef.h>

#define ZCA_TOKEN_FINAL_TRY 0x1u   /* the token's next wrong PIN locks it */
#define ZCA_TOKEN_LOCKED 0x2u      /* the token is locked */

typedef struct {
    char *cert_id;
    unsigned wrong;                /* wrong PINs in a row */
} zca_pin_entry_t;

typedef struct {
    zca_pin_entry_t *v;
    size_t n;
    unsigned max;                  /* pin-retries */
} zca_pins_t;

/* Attempts left for CERT_ID (0: locked), given the token's flags. */
unsigned zca_pin_left(const zca_pins_t *pins, const char *cert_id, unsigned token_flags);
/* A wrong PIN: counts it and returns the attempts left. */
unsigned zca_pin_wrong(zca_pins_t *pins, const char *cert_id, unsigned token_flags);
/* The token itself says locked: no attempt left here either. */
void zca_pin_lock(zca_pins_t *pins, const char *cert_id);
/* A right PIN: the count starts again. */
void zca_pin_right(zca_pins_t *pins, const char *cert_id);
void zca_pin_free(zca_pins_t *pins);

#endif
