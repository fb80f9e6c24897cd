/* The redirect guard (see redirect.h). */
#include "redirect.h"
#include <string.h>

int zc_redirect_is_local(const char *t)
{
    return t && t[0] == '/' && t[1] != '/' && t[1] != '\\' && !strpbrk(t, "\r\n");
}

const char *zc_redirect_target(const char *target, const char *fallback)
{
    return zc_redirect_is_local(target) ? target : fallback;
}
