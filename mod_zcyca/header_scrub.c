/* The header scrub (see header_scrub.h). */
#include "header_scrub.h"
#include <apr_lib.h>

int zc_header_is_ours(const char *name)
{
    static const char prefix[] = "zcyca";
    for (size_t i = 0; i < sizeof prefix - 1; i++)
        if (apr_tolower(name[i]) != prefix[i])
            return 0;
    return name[5] == '-' || name[5] == '_' || name[5] == '\0';
}

static int zc_header_collect(void *rec, const char *key, const char *value)
{
    if (zc_header_is_ours(key))
        APR_ARRAY_PUSH((apr_array_header_t *)rec, const char *) = key;
    return 1;
}

apr_array_header_t *zc_header_scrub(apr_pool_t *p, apr_table_t *t)
{
    apr_array_header_t *names = apr_array_make(p, 2, sizeof(const char *));
    apr_table_do(zc_header_collect, names, t, NULL);
    for (int i = 0; i < names->nelts; i++)
        apr_table_unset(t, APR_ARRAY_IDX(names, i, const char *));
    return names;
}
