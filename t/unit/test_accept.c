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

/* q-values: a range with q=0 is "not acceptable", and a higher q wins over
 * the order. */
static void zc_t_q_values(void **state)
{
    zc_t_json("text/html;q=0, application/json");
    zc_t_json("text/html;q=0");
    zc_t_json("text/html;q=0.0, */*");
    zc_t_json("text/html;q=0.000");
    zc_t_json("text/html; q=0 , application/xhtml+xml;q=0");
    zc_t_json("text/html;q=0.5, application/json;q=0.9");
    zc_t_json("text/html;Q=0.5, application/json;Q=0.9");
    zc_t_html("application/json;q=0.5, text/html");
    zc_t_html("application/json;q=0, text/html;q=0.001");
    zc_t_html("application/json;q=0.4, text/html;q=0.5");
    zc_t_html("text/html;q=1.000, application/json;q=1");
    zc_t_json("application/json;q=1, text/html;q=1.0");
    zc_t_html("text/html;q=0, application/xhtml+xml");
}

/* What is not a media range, or not a well-formed one. */
static void zc_t_malformed(void **state)
{
    zc_t_json("text/htmlx");                        /* another type */
    zc_t_json("text/html-like");
    zc_t_json("xtext/html");
    zc_t_json("application/xhtml+xmlx");
    zc_t_json("text/plain;profile=\"text/html\"");  /* html only inside a parameter */
    zc_t_json("text/plain;a=\"x, text/html\"");     /* a comma inside a quoted string */
    zc_t_html("text/plain;a=\"x, text/html\", text/html");
    zc_t_json("text/html;q=2");                     /* not a qvalue: the range is left out */
    zc_t_json("text/html;q=-1");
    zc_t_json("text/html;q=0.5.5");
    zc_t_json("text/html;q=1.5");
    zc_t_json("text/html;q=0.0001");
    zc_t_json("text/html;q=");
    zc_t_json("text/html;q=abc");
    zc_t_html("text/html;q=abc, text/html");        /* the good one still counts */
    zc_t_json(",,,;;;");
    zc_t_json(";q=1");
    zc_t_json("text/html;\"");                      /* an unterminated quote */
    zc_t_html("text/html;foo, */*");                /* a parameter without a value is ignored */
    zc_t_json("/");
    zc_t_json("/html");
    zc_t_json("text/");
    zc_t_json("text/html/x");                      /* not a token after the slash */
    zc_t_html(",text/html,");
    zc_t_json("text/html junk");                   /* anything after the range but a parameter */
    zc_t_json("text/plain junk=\"x, text/html\""); /* ... and its quoted commas are not separators */
    zc_t_html("text/plain junk=\"x\\\", text/html\", text/html");
    zc_t_json("text/html;a=\"x");                  /* unterminated quoted value */
    zc_t_json("text/html;a=\"x\\");
    zc_t_html("text/html;a=\"x\\\"y;q=0\", application/json;q=0.9"); /* an escaped quote inside */
    zc_t_json("text/html;q");                      /* q without a value */
    zc_t_json("text/html;=1");
    zc_t_json("text/html;;q=0");                   /* an empty parameter is passed over */
    zc_t_json("text/html ; q = 0.5");              /* no spaces around '=' */
    zc_t_html("text/html;q=1.");
    zc_t_json("text/html;q=0.");
    zc_t_html("text/html;q=0.001");
    zc_t_json("text/html;q=1.001");
    zc_t_json("text/html;q=1.0000");
    zc_t_json("text/html;q=0.0000");
    zc_t_json("text/html;q=01");
    zc_t_html("text/html;charset=\"utf-8\";q=0.5");
    zc_t_json("text/html;q=0.a");
    zc_t_json("text/html;\tq=0");                  /* a tab is white space too */
    zc_t_html("text/html;");                       /* an empty parameter at the end */
    zc_t_html("text/html;,application/json");
    zc_t_json("text/plain junk=\"x\\");           /* a backslash at the very end */
    zc_t_json("application/json, application/json;q=0.5, text/html;q=0.9, text/html;q=0.8");
    zc_t_json("text/html:q=1");                    /* ':' is no token character */
    zc_t_json("text/x~y|z");
}


static void zc_t_xhr(void **state)
{
    const char *browser = "text/html,application/xhtml+xml,*/*;q=0.8";
    assert_true(zc_accept_wants_html(browser, NULL));
    assert_false(zc_accept_wants_html(browser, "XMLHttpRequest"));
    assert_false(zc_accept_wants_html(browser, ""));           /* present, whatever its value */
    assert_false(zc_accept_wants_html(NULL, "XMLHttpRequest"));
}

static void zc_t_long(void **state)
{
    apr_pool_t *p = *state;
    size_t n = 100000;
    char *a = apr_palloc(p, n + 64);
    size_t used = 0;
    while (used + 12 < n) {
        memcpy(a + used, "image/png, ", 11);
        used += 11;
    }
    strcpy(a + used, "text/html");
    zc_t_html(a);
    strcpy(a + used, "text/html;q=0");
    zc_t_json(a);
    memset(a, ';', n);
    a[n] = '\0';
    zc_t_json(a);
    memset(a, '"', n);
    zc_t_json(a);
}


static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_browsers),
    ZC_T(zc_t_api_clients),
    ZC_T(zc_t_q_values),
    ZC_T(zc_t_malformed),
    ZC_T(zc_t_xhr),
    ZC_T(zc_t_long),
};

ZC_T_MAIN("accept", zc_t_tests, NULL, NULL)
