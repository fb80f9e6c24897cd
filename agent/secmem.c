/* secmem.c - a malloc/free pair that remembers each block's size so free can
 * wipe it (OPENSSL_cleanse: not optimised away). */
#include "secmem.h"

#include <stdlib.h>

#include <jansson.h>
#include <openssl/crypto.h>

/* The size sits in front of the block; the header keeps malloc's alignment. */
#define ZCA_SECMEM_HDR (sizeof(max_align_t) > sizeof(size_t) ? sizeof(max_align_t) : sizeof(size_t))

void *zca_secmem_malloc(size_t n)
{
    unsigned char *b;

    if (n > (size_t)-1 - ZCA_SECMEM_HDR || (b = malloc(ZCA_SECMEM_HDR + n)) == NULL)
        return NULL;
    *(size_t *)(void *)b = n;
    return b + ZCA_SECMEM_HDR;
}

void zca_secmem_free(void *p)
{
    unsigned char *b;

    if (p == NULL)
        return;
    b = (unsigned char *)p - ZCA_SECMEM_HDR;
    OPENSSL_cleanse(b, ZCA_SECMEM_HDR + *(size_t *)(void *)b);
    free(b);
}

void zca_secmem_install(void)
{
    json_set_alloc_funcs(zca_secmem_malloc, zca_secmem_free);
}
