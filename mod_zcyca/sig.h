/* Signatures over a challenge: formats and verification (pure). */
#ifndef ZC_SIG_H
#define ZC_SIG_H

#include <apr_pools.h>
#include <openssl/x509.h>
#include "errors.h"
#include "parse.h"

/* The GM/T 0009 default SM2 user ID. */
#define ZC_SM2_ID "1234567812345678"
#define ZC_SIG_MAX 1024  /* bytes of a decoded signature */

/* Which of the ZC_ALG_* algorithms a certificate's key can make:
 *   RSA key          → ZC_ALG_RSA_SHA256 | ZC_ALG_RSA_PSS_SHA256
 *   EC P-256 key     → ZC_ALG_ECDSA_SHA256
 *   SM2 key (or EC key on the SM2 curve) → ZC_ALG_SM2_SM3
 *   anything else    → 0 */
unsigned zc_sig_algorithms_for(X509 *cert);

/* pk as an SM2-type EVP_PKEY: pk itself when it is one, else (an EC key on
 * the SM2 curve, which OpenSSL 3.0 would verify as ECDSA) a copy of its
 * public point with the SM2 key type, freed by a cleanup on p; NULL on
 * failure. */
EVP_PKEY *zc_sig_as_sm2(apr_pool_t *p, EVP_PKEY *pk);

/* 1 when sig (a DER SM2 signature) verifies over msg with pk (an SM2 key,
 * or an EC key on the SM2 curve) under SM3 with the GM/T ID
 * "1234567812345678"; 0 otherwise.  For signed structures (CRLs, OCSP
 * responses) whose OpenSSL 3.0 verification cannot set the ID. */
int zc_sig_verify_sm2(apr_pool_t *p, EVP_PKEY *pk, const unsigned char *sig, size_t slen,
                      const unsigned char *msg, size_t mlen);

/* Verify sig_b64 (standard base64 or base64url) over msg with the
 * certificate's public key.
 *   allowed:   the provider's ZcyCAProviderAlgorithms bits
 *   requested: one ZC_ALG_* bit named by the client's "algorithm", or 0
 * Rules:
 *   - the candidates are zc_sig_algorithms_for(cert) & allowed, narrowed to
 *     requested when given; none left → ZC_E_ALG_UNSUPPORTED;
 *   - bad base64, or a signature longer than ZC_SIG_MAX → ZC_E_BAD_REQUEST;
 *   - ECDSA and SM2 signatures may be DER (ECDSA-Sig-Value), raw r||s
 *     (2 x field size: 64 bytes for P-256 and SM2), or the SKF
 *     ECCSIGNATUREBLOB (r[64] || s[64], each right-aligned, 128 bytes);
 *     all are normalised to DER before verification;
 *   - RSA: PKCS#1 v1.5 with SHA-256 (rsa-sha256) or PSS with SHA-256, MGF1
 *     SHA-256, any salt length (rsa-pss-sha256); when both are candidates,
 *     each is tried;
 *   - SM2: SM3 digest with the ID "1234567812345678" (EVP_PKEY_CTX_set1_id);
 *     a signature made with the empty ID does not verify;
 *   - mismatch → ZC_E_SIGNATURE_INVALID.
 * *used gets the ZC_ALG_* bit that verified; *detail a log-only reason. */
zc_err_t zc_sig_verify(apr_pool_t *p, X509 *cert, unsigned allowed, unsigned requested,
                       const char *sig_b64, const unsigned char *msg, size_t msg_len,
                       unsigned *used, const char **detail);

#endif
