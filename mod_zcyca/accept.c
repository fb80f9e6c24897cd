/* Accept negotiation (see accept.h). */
#include "accept.h"
#include <string.h>
#include <strings.h>

static const char *zc_accept_find(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return hay;
    return NULL;
}

int zc_accept_wants_html(const char *accept, const char *x_requested_with)
{
    if (x_requested_with)
        return 0;
    if (!accept)
        return 0;
    const char *html = zc_accept_find(accept, "text/html");
    const char *xhtml = zc_accept_find(accept, "application/xhtml+xml");
    const char *json = zc_accept_find(accept, "json");
    if (!html || (xhtml && xhtml < html))
        html = xhtml;
    return html && (!json || html < json);
}
