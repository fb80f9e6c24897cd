/* pin.c - the per-key retry counter (pin.h). */
#include "pin.h"

#include <stdlib.h>
#include <string.h>

static zca_pin_entry_t *zca_pin_find(const zca_pins_t *pins, const char *cert_id)
{
    for (size_t i = 0; i < pins->n; i++)
        if (strcmp(pins->v[i].cert_id, cert_id) == 0)
            return &pins->v[i];
    return NULL;
}

/* The entry for CERT_ID, made on first use; NULL when out of memory. */
static zca_pin_entry_t *zca_pin_get(zca_pins_t *pins, const char *cert_id)
{
    zca_pin_entry_t *e = zca_pin_find(pins, cert_id), *v;

    if (e)
        return e;
    if ((v = realloc(pins->v, (pins->n + 1) * sizeof *v)) == NULL)
        return NULL;
    pins->v = v;
    e = &pins->v[pins->n];
    if ((e->cert_id = strdup(cert_id)) == NULL)
        return NULL;
    e->wrong = 0;
    pins->n++;
    return e;
}

unsigned zca_pin_left(const zca_pins_t *pins, const char *cert_id, unsigned token_flags)
{
    const zca_pin_entry_t *e = zca_pin_find(pins, cert_id);
    unsigned left = e == NULL ? pins->max : e->wrong >= pins->max ? 0 : pins->max - e->wrong;

    if (token_flags & ZCA_TOKEN_LOCKED)
        return 0;
    if ((token_flags & ZCA_TOKEN_FINAL_TRY) && left > 1)
        return 1;
    return left;
}

unsigned zca_pin_wrong(zca_pins_t *pins, const char *cert_id, unsigned token_flags)
{
    zca_pin_entry_t *e = zca_pin_get(pins, cert_id);

    if (e == NULL)
        return 0;    /* cannot count: fail closed */
    if (e->wrong < pins->max)
        e->wrong++;
    return zca_pin_left(pins, cert_id, token_flags);
}

void zca_pin_lock(zca_pins_t *pins, const char *cert_id)
{
    zca_pin_entry_t *e = zca_pin_get(pins, cert_id);
    if (e)
        e->wrong = pins->max;
}

void zca_pin_right(zca_pins_t *pins, const char *cert_id)
{
    zca_pin_entry_t *e = zca_pin_find(pins, cert_id);
    if (e)
        e->wrong = 0;
}

void zca_pin_free(zca_pins_t *pins)
{
    for (size_t i = 0; i < pins->n; i++)
        free(pins->v[i].cert_id);
    free(pins->v);
    pins->v = NULL;
    pins->n = 0;
}
