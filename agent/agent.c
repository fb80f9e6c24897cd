/* agent.c - the agent's state: backends up and down, and the key list. */
#include "agent.h"

#include <string.h>

#include "log.h"

bool zca_agent_start(zca_agent_t *a)
{
    a->pins.max = a->cfg.pin_retries;
    if (a->cfg.pkcs11_module && (a->p11 = zca_p11_open(a->cfg.pkcs11_module)) == NULL)
        return false;
    if (!zca_sm2file_load(&a->sm2, &a->cfg))
        return false;
    zca_agent_refresh_keys(a);
    ZCA_LOG(0601, "%zu key(s) with a certificate", a->keys.n);
    for (size_t i = 0; i < a->keys.n; i++)
        ZCA_LOG(0602, "key %s (%s)", a->keys.v[i].cert_id, zca_key_type_name(a->keys.v[i].type));
    return true;
}

void zca_agent_stop(zca_agent_t *a)
{
    zca_login_end(a, "agent stopping");
    zca_keys_clear(&a->keys);
    zca_pin_free(&a->pins);
    zca_sm2file_free(&a->sm2);
    zca_p11_close(a->p11);
    a->p11 = NULL;
    zca_config_free(&a->cfg);
}

void zca_agent_refresh_keys(zca_agent_t *a)
{
    zca_keys_clear(&a->keys);
    if (a->p11)
        zca_p11_list(a->p11, &a->keys);
    zca_sm2file_list(&a->sm2, &a->keys);
    zca_keys_sort(&a->keys);
}

const zca_key_t *zca_agent_key(zca_agent_t *a, const char *cert_id)
{
    const zca_key_t *k = zca_keys_find(&a->keys, cert_id);

    if (k == NULL) {    /* a key plugged in since the last list */
        zca_agent_refresh_keys(a);
        k = zca_keys_find(&a->keys, cert_id);
    }
    return k;
}
