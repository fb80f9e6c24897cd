/* secmem.h - memory that is wiped when freed.
 *
 * The PIN reaches the agent inside a JSON body.  jansson copies it into its
 * lexer buffer and into the parsed string; zca_secmem_install() makes every
 * jansson allocation wipe itself on free, so those copies are gone when the
 * request's JSON is released.  Call it once at start, before any jansson use. */
#ifndef ZCA_SECMEM_H
#define ZCA_SECMEM_H

#include <stddef.h>

void zca_secmem_install(void);

void *zca_secmem_malloc(size_t n);
void zca_secmem_free(void *p);    /* wipes all of the block, then frees it */

#endif
