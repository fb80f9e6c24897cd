/* sign.h - one signature with an unlocked key, checked before it leaves. */
#ifndef ZCA_SIGN_H
#define ZCA_SIGN_H

#include <jansson.h>

#include "keys.h"

/* Sign DATA[LEN] with U's key as K's type demands: RSA PKCS#1 v1.5 SHA-256,
 * ECDSA SHA-256 (DER), or SM2 with SM3 and the GM/T 0009 ID
 * 1234567812345678 (DER).  The signature is verified with the certificate's
 * public key (a token holding a mismatched key and certificate shows here,
 * not at the server).  Returns it as a base64 JSON string, or NULL. */
json_t *zca_sign(const zca_unlocked_t *u, const zca_key_t *k, const unsigned char *data, size_t len);

#endif
