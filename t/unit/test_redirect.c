/* Unit tests: redirect.c (the guard on where a login sends the browser). */
#include "unit.h"

#include <string.h>

#include "redirect.h"

#define ZC_T_FALLBACK "/after-login/"

static void zc_t_local(const char *t)
{
    if (!zc_redirect_is_local(t))
        fail_msg("refused a local path: \"%s\"", t);
    assert_ptr_equal(zc_redirect_target(t, ZC_T_FALLBACK), t);
}

static void zc_t_refused(const char *t)
{
    if (zc_redirect_is_local(t))
        fail_msg("took a target that is not a local path: \"%s\"", t);
    assert_string_equal(zc_redirect_target(t, ZC_T_FALLBACK), ZC_T_FALLBACK);
}

static void zc_t_local_paths(void **state)
{
    zc_t_local("/");
    zc_t_local("/app/");
    zc_t_local("/app/page.html?x=1&y=%2F%2Fevil.example#frag");
    zc_t_local("/a/b//c");                 /* a double slash later on is a path */
    zc_t_local("/.");
    zc_t_local("/..//evil.example");       /* still this host: the path is //evil.example */
    zc_t_local("/%2F%2Fevil.example");     /* encoded slashes stay a path (the form decoded once) */
    zc_t_local("/%5Cevil.example");
    zc_t_local("/%09/evil.example");       /* an encoded tab is not a tab */
    zc_t_local("/?next=//evil.example");
    zc_t_local("/#//evil.example");
    zc_t_local("/a\\b");                   /* a backslash after the first segment is a path */
}

/* What a browser would read as another host, or a scheme. */
static void zc_t_other_hosts(void **state)
{
    zc_t_refused(NULL);
    zc_t_refused("");
    zc_t_refused("//evil.example");
    zc_t_refused("//evil.example/app/");
    zc_t_refused("///evil.example");
    zc_t_refused("/\\evil.example");
    zc_t_refused("\\/evil.example");
    zc_t_refused("\\\\evil.example");
    zc_t_refused("https://evil.example/");
    zc_t_refused("http:evil.example");
    zc_t_refused("javascript:alert(1)");
    zc_t_refused("data:text/html,<script>alert(1)</script>");
    zc_t_refused("evil.example");
    zc_t_refused("app/");                  /* relative: resolved against /ca/login, not ours to guess */
    zc_t_refused(" /app/");                /* leading space */
    zc_t_refused("%2F%2Fevil.example");    /* not decoded here: and does not start with / */
}

/* Header splitting. */
static void zc_t_control_characters(void **state)
{
    zc_t_refused("/app\r\nSet-Cookie: zcyca_session=x");
    zc_t_refused("/app\nLocation: //evil.example");
    zc_t_refused("/app\r");
}

static void zc_t_browser_dropped(void **state)
{
    /* The URL standard removes every tab, CR and LF before parsing: "/<TAB>/evil" is "//evil". */
    zc_t_refused("/\t/evil.example");
    zc_t_refused("/\t\\evil.example");
    zc_t_refused("/\n/evil.example");
    zc_t_refused("/\r/evil.example");
    zc_t_refused("/\t\t/evil.example");
    /* Leading and trailing C0 controls and spaces are stripped too; the rest has no place in a Location. */
    zc_t_refused("/\x01/evil.example");
    zc_t_refused("/\x1f");
    zc_t_refused("/\x7f");
    zc_t_refused("/a b");
    zc_t_refused("/app\t");
    zc_t_refused("/\x0b/evil.example");
    zc_t_refused("/\x0c/evil.example");
}

/* Bytes above ASCII: a browser reads them in a charset of its choosing. */
static void zc_t_non_ascii(void **state)
{
    zc_t_refused("/\xef\xbc\x8f\xef\xbc\x8f" "evil.example"); /* U+FF0F FULLWIDTH SOLIDUS twice */
    zc_t_refused("/\xe5\xba\x94\xe7\x94\xa8");                 /* 应用, unencoded */
    zc_t_local("/%E5%BA%94%E7%94%A8");                          /* 应用, as a browser sends it */
}

static void zc_t_long(void **state)
{
    apr_pool_t *p = *state;
    char *t = apr_palloc(p, ZC_REDIRECT_MAX + 2);
    memset(t, 'a', ZC_REDIRECT_MAX + 1);
    t[0] = '/';
    t[ZC_REDIRECT_MAX] = '\0';
    zc_t_local(t);                         /* exactly the limit */
    t[ZC_REDIRECT_MAX] = 'a';
    t[ZC_REDIRECT_MAX + 1] = '\0';
    zc_t_refused(t);                       /* one more */
}


static void zc_t_fallback_null(void **state)
{
    assert_null(zc_redirect_target("//evil.example", NULL));
    assert_string_equal(zc_redirect_target("/ok", NULL), "/ok");
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_local_paths),
    ZC_T(zc_t_other_hosts),
    ZC_T(zc_t_control_characters),
    ZC_T(zc_t_browser_dropped),
    ZC_T(zc_t_non_ascii),
    ZC_T(zc_t_long),
    ZC_T(zc_t_fallback_null),
};

ZC_T_MAIN("redirect", zc_t_tests, NULL, NULL)
