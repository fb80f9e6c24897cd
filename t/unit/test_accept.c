/* Unit tests: accept.c (a page for browsers, JSON for everyone else). */
#include "unit.h"

#include <string.h>

#include "accept.h"

static void zc_t_html(const char *accept)
{
    if (!zc_accept_wants_html(accept, NULL))
        fail_msg("JSON for Accept: %s", accept);
}

static void zc_t_json(const char *accept)
{
    if (zc_accept_wants_html(accept, NULL))
        fail_msg("HTML for Accept: %s", accept ? accept : "(none)");
}

static void zc_t_browsers(void **state)
{
    /* Chromium, Firefox and Safari navigations. */
    zc_t_html("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
              "application/signed-exchange;v=b3;q=0.7");
    zc_t_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    zc_t_html("application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5");
    zc_t_html("text/html");
    zc_t_html("TEXT/HTML");
    zc_t_html("application/xhtml+xml");
    zc_t_html("  text/html ; charset=utf-8 ");
    zc_t_html("text/html, application/json");       /* html first, same q */
    zc_t_html("text/html;level=1;q=0.5, application/json;q=0.4");
}

static void zc_t_api_clients(void **state)
{
    zc_t_json(NULL);                                /* no Accept: an API client */
    zc_t_json("");
    zc_t_json("*/*");                               /* curl, fetch() */
    zc_t_json("text/*");
    zc_t_json("*/*;q=0.8");
    zc_t_json("application/json");
    zc_t_json("application/json, text/plain, */*"); /* axios */
    zc_t_json("application/json, text/html");       /* json first, same q */
    zc_t_json("application/problem+json, text/html");
    zc_t_json("text/plain");
    zc_t_json("image/png");
}


static void zc_t_xhr(void **state)
{
    const char *browser = "text/html,application/xhtml+xml,*/*;q=0.8";
    assert_true(zc_accept_wants_html(browser, NULL));
    assert_false(zc_accept_wants_html(browser, "XMLHttpRequest"));
    assert_false(zc_accept_wants_html(browser, ""));           /* present, whatever its value */
    assert_false(zc_accept_wants_html(NULL, "XMLHttpRequest"));
}


static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_browsers),
    ZC_T(zc_t_api_clients),
    ZC_T(zc_t_xhr),
};

ZC_T_MAIN("accept", zc_t_tests, NULL, NULL)
