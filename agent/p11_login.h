/* p11_login.h - C_Login and C_Logout straight through the module's function
 * list, beside libp11.
 *
 * Why not PKCS11_login(): libp11 (0.4.12 and later) keeps a copy of the PIN
 * (slot->prev_pin) for as long as the slot lives, to log in again after a
 * fork.  The agent promises that nothing keeps the PIN after C_Login, so it
 * logs in itself on a session of its own.  A PKCS#11 login holds for every
 * session of the process, so libp11's sessions see the private keys too. */
#ifndef ZCA_P11_LOGIN_H
#define ZCA_P11_LOGIN_H

#include <stdbool.h>

typedef struct {
    void *dl;                      /* the module, as libp11 already loaded it */
    void *fl;                      /* its CK_FUNCTION_LIST */
} zca_p11_raw_t;

/* MODULE must already be loaded and initialised by PKCS11_CTX_load(). */
bool zca_p11_raw_open(zca_p11_raw_t *r, const char *module);
void zca_p11_raw_close(zca_p11_raw_t *r);

/* C_OpenSession + C_Login(CKU_USER).  Returns the CK_RV; on CKR_OK *SESSION
 * holds the login until zca_p11_raw_logout(). */
unsigned long zca_p11_raw_login(zca_p11_raw_t *r, unsigned long slot, const char *pin, unsigned long *session);
void zca_p11_raw_logout(zca_p11_raw_t *r, unsigned long session);
/* The token's CK_TOKEN_INFO flags; 0 when it cannot say. */
unsigned long zca_p11_raw_token_flags(zca_p11_raw_t *r, unsigned long slot);

#endif
