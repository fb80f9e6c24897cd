/* The redirect guard (see redirect.h). */
#include "redirect.h"
#include <stddef.h>

int zc_redirect_is_local(const char *t)
{
    if (!t || t[0] != '/' || t[1] == '/' || t[1] == '\\')
        return 0;
    for (size_t i = 0; t[i]; i++)
        if (i == ZC_REDIRECT_MAX || (unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
            return 0;
    return 1;
}

const char *zc_redirect_target(const char *target, const char *fallback)
{
    return zc_redirect_is_local(target) ? target : fallback;
}
