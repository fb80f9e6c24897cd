/* login.c - the one logged-in key (login.h). */
#include "login.h"

#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "log.h"

static time_t zca_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);    /* wall-clock jumps must not stretch a login */
    return ts.tv_sec;
}

void zca_login_open(zca_agent_t *a, const char *cert_id, const char *origin, zca_unlocked_t *u)
{
    zca_login_t *l = &a->login;

    if (l->active)
        zca_login_end(a, "another login");
    l->active = true;
    snprintf(l->cert_id, sizeof l->cert_id, "%s", cert_id);
    snprintf(l->origin, sizeof l->origin, "%s", origin);
    l->deadline = zca_now() + ZCA_LOGIN_TTL;
    l->key = *u;
    memset(u, 0, sizeof *u);
    ZCA_LOG(0401, "%s: logged in for %s, for %d s or one signature", l->cert_id, l->origin, ZCA_LOGIN_TTL);
}

const zca_unlocked_t *zca_login_get(zca_agent_t *a, const char *cert_id, const char *origin)
{
    zca_login_t *l = &a->login;

    zca_login_expire(a);
    if (!l->active || strcmp(l->cert_id, cert_id) != 0 || strcmp(l->origin, origin) != 0)
        return NULL;
    return &l->key;
}

void zca_login_end(zca_agent_t *a, const char *why)
{
    zca_login_t *l = &a->login;

    if (!l->active)
        return;
    if (l->key.backend == ZCA_BACKEND_P11 && a->p11)
        zca_p11_lock(a->p11, &l->key);
    else
        zca_sm2file_lock(&l->key);
    ZCA_LOG(0402, "%s: logged out (%s)", l->cert_id, why);
    memset(l, 0, sizeof *l);
}

void zca_login_expire(zca_agent_t *a)
{
    if (a->login.active && zca_now() >= a->login.deadline)
        zca_login_end(a, "time is up");
}
