/* Unit tests: json_req.c (request JSON and form bodies). */
#include "unit.h"

#include <string.h>

#include <apr_strings.h>

#include "json_req.h"

/* Parse s (strlen) and return the error code; detail into *detail. */
static zc_err_t zc_t_parse(apr_pool_t *p, const char *s, size_t len, const char **detail)
{
    zc_err_t err = ZC_E_NOT_FOUND;
    json_t *j = zc_json_parse_object(p, s, len, &err, detail);
    assert_int_equal(j != NULL, err == ZC_OK);
    return err;
}

#define ZC_T_PARSE(p, s, d) zc_t_parse(p, s, strlen(s), d)

static void zc_t_parse_ok(void **state)
{
    apr_pool_t *p = *state;
    zc_err_t err;
    const char *d;
    json_t *j = zc_json_parse_object(p, "{\"provider\":\"jlca\",\"n\":[1,{\"x\":null}]} \n", 40, &err, &d);

    assert_non_null(j);
    assert_int_equal(err, ZC_OK);
    assert_string_equal(json_string_value(json_object_get(j, "provider")), "jlca");
    assert_int_equal(ZC_T_PARSE(p, "{}", &d), ZC_OK);
    assert_int_equal(ZC_T_PARSE(p, "{\"名\":\"张三\"}", &d), ZC_OK);
}

static void zc_t_parse_bad(void **state)
{
    apr_pool_t *p = *state;
    const char *d;
    const char *bad[] = { "", " ", "[]", "[{}]", "\"s\"", "1", "null", "true", "{", "{}x", "{}{}",
                          "{\"a\":}", "{'a':1}", "{\"a\":1,}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\xff\"}",
                          "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\\ud800\"}",
                          "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":NaN}" };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = NULL;
        assert_int_equal(ZC_T_PARSE(p, bad[i], &d), ZC_E_BAD_REQUEST);
        assert_non_null(d);
    }
    ZC_T_PARSE(p, "{\"a\":1,\"a\":2}", &d);
    assert_non_null(strstr(d, "duplicate"));
    ZC_T_PARSE(p, "{\"a\":\"\xff\"}", &d);
    assert_non_null(strstr(d, "UTF-8"));
    ZC_T_PARSE(p, "[1]", &d);
    assert_non_null(strstr(d, "not a JSON object"));
    /* An embedded NUL byte (inside the length) is refused. */
    assert_int_equal(zc_t_parse(p, "{\"a\":1}\0", 8, &d), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_t_parse(p, "{\"a\":\"x\0y\"}", 11, &d), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_t_parse(p, NULL, 0, &d), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_t_parse(p, "{}", 0, &d), ZC_E_BAD_REQUEST);
    /* The detail never quotes the body (it may hold a password). */
    ZC_T_PARSE(p, "{\"login\":\"a\",\"password\":\"hunter2\" x}", &d);
    assert_null(strstr(d, "hunter2"));
    /* NULL detail is allowed. */
    assert_int_equal(zc_t_parse(p, "[]", 2, NULL), ZC_E_BAD_REQUEST);
}

/* n nested containers: {"a":{"a":...{}}} or {"a":[[...]]}. */
static const char *zc_t_nest(apr_pool_t *p, int n, int arrays)
{
    char *s = "";
    for (int i = 0; i < n; i++)
        s = apr_pstrcat(p, s, i == 0 ? "{\"a\":" : (arrays ? "[" : "{\"a\":"), NULL);
    s = apr_pstrcat(p, s, "1", NULL);
    for (int i = n - 1; i >= 0; i--)
        s = apr_pstrcat(p, s, i == 0 ? "}" : (arrays ? "]" : "}"), NULL);
    return s;
}

static void zc_t_parse_depth(void **state)
{
    apr_pool_t *p = *state;
    const char *d;

    assert_int_equal(ZC_T_PARSE(p, zc_t_nest(p, 8, 0), &d), ZC_OK);
    assert_int_equal(ZC_T_PARSE(p, zc_t_nest(p, 9, 0), &d), ZC_E_BAD_REQUEST);
    assert_non_null(strstr(d, "deeper"));
    assert_int_equal(ZC_T_PARSE(p, zc_t_nest(p, 8, 1), &d), ZC_OK);
    assert_int_equal(ZC_T_PARSE(p, zc_t_nest(p, 9, 1), &d), ZC_E_BAD_REQUEST);
    assert_int_equal(ZC_T_PARSE(p, zc_t_nest(p, 500, 1), &d), ZC_E_BAD_REQUEST);
    /* An empty container at depth 9 is still depth 9. */
    assert_int_equal(ZC_T_PARSE(p, "{\"a\":[[[[[[[[]]]]]]]]}", &d), ZC_E_BAD_REQUEST);
    assert_int_equal(ZC_T_PARSE(p, "{\"a\":[[[[[[[]]]]]]]}", &d), ZC_OK);
}

static void zc_t_get_string(void **state)
{
    apr_pool_t *p = *state;
    zc_err_t err;
    const char *d, *v;
    json_t *j = zc_json_parse_object(p,
        "{\"s\":\"jlca\",\"zh\":\"证书\",\"nul\":null,\"num\":1,\"obj\":{},\"arr\":[],\"t\":true,"
        "\"empty\":\"\",\"nl\":\"a\\nb\",\"tab\":\"a\\tb\",\"del\":\"a\\u007fb\",\"long\":\"abcdef\"}",
        strlen("{\"s\":\"jlca\",\"zh\":\"证书\",\"nul\":null,\"num\":1,\"obj\":{},\"arr\":[],\"t\":true,"
               "\"empty\":\"\",\"nl\":\"a\\nb\",\"tab\":\"a\\tb\",\"del\":\"a\\u007fb\",\"long\":\"abcdef\"}"),
        &err, &d);

    assert_non_null(j);
    assert_int_equal(zc_json_get_string(p, j, "s", 1, 64, &v, &d), ZC_OK);
    assert_string_equal(v, "jlca");
    assert_int_equal(zc_json_get_string(p, j, "zh", 1, 6, &v, &d), ZC_OK);
    assert_string_equal(v, "证书");
    assert_int_equal(zc_json_get_string(p, j, "zh", 1, 5, &v, &d), ZC_E_BAD_REQUEST); /* bytes, not chars */
    assert_null(v);
    assert_int_equal(zc_json_get_string(p, j, "long", 1, 6, &v, &d), ZC_OK);
    assert_int_equal(zc_json_get_string(p, j, "long", 1, 5, &v, &d), ZC_E_BAD_REQUEST);
    assert_non_null(strstr(d, "'long'"));
    assert_non_null(strstr(d, "too long"));

    /* absent or null */
    v = "x";
    assert_int_equal(zc_json_get_string(p, j, "missing", 0, 64, &v, &d), ZC_OK);
    assert_null(v);
    assert_int_equal(zc_json_get_string(p, j, "nul", 0, 64, &v, &d), ZC_OK);
    assert_null(v);
    assert_int_equal(zc_json_get_string(p, j, "missing", 1, 64, &v, &d), ZC_E_BAD_REQUEST);
    assert_non_null(strstr(d, "'missing' is required"));
    assert_int_equal(zc_json_get_string(p, j, "nul", 1, 64, &v, &d), ZC_E_BAD_REQUEST);

    /* wrong types and bad content */
    const char *bad[] = { "num", "obj", "arr", "t", "empty", "nl", "tab", "del" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = "x";
        d = NULL;
        assert_int_equal(zc_json_get_string(p, j, bad[i], 0, 64, &v, &d), ZC_E_BAD_REQUEST);
        assert_null(v);
        assert_non_null(strstr(d, bad[i]));
    }
    assert_non_null(strstr((zc_json_get_string(p, j, "num", 0, 64, &v, &d), d), "must be a string"));
    assert_int_equal(zc_json_get_string(p, NULL, "s", 0, 64, &v, &d), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_json_get_string(p, json_object_get(j, "arr"), "s", 0, 64, &v, &d), ZC_E_BAD_REQUEST);
}

static zc_err_t zc_t_form(apr_pool_t *p, const char *body, const char *name, int req, size_t max,
                          const char **v)
{
    const char *d = NULL;
    zc_err_t rc = zc_form_get_string(p, body, strlen(body), name, req, max, v, &d);
    assert_int_equal(rc != ZC_OK, d != NULL);
    return rc;
}

static void zc_t_form_get(void **state)
{
    apr_pool_t *p = *state;
    const char *v, *d;
    const char *body = "provider=jlca&text=two+words%21&zh=%E8%AF%81%e4%b9%a6&dup=1&dup=2&my+key=k&flag&e=";

    assert_int_equal(zc_t_form(p, body, "provider", 1, 64, &v), ZC_OK);
    assert_string_equal(v, "jlca");
    assert_int_equal(zc_t_form(p, body, "text", 1, 64, &v), ZC_OK);
    assert_string_equal(v, "two words!");
    assert_int_equal(zc_t_form(p, body, "zh", 1, 64, &v), ZC_OK);
    assert_string_equal(v, "证书");
    assert_int_equal(zc_t_form(p, body, "dup", 1, 64, &v), ZC_OK);
    assert_string_equal(v, "1");                         /* first occurrence wins */
    assert_int_equal(zc_t_form(p, body, "my key", 1, 64, &v), ZC_OK);
    assert_string_equal(v, "k");
    assert_int_equal(zc_t_form(p, body, "zh", 1, 5, &v), ZC_E_BAD_REQUEST);

    /* absent, valueless and empty fields */
    v = "x";
    assert_int_equal(zc_t_form(p, body, "missing", 0, 64, &v), ZC_OK);
    assert_null(v);
    assert_int_equal(zc_t_form(p, body, "missing", 1, 64, &v), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_t_form(p, body, "flag", 0, 64, &v), ZC_OK);
    assert_null(v);
    assert_int_equal(zc_t_form(p, body, "e", 0, 64, &v), ZC_OK);
    assert_null(v);
    assert_int_equal(zc_t_form(p, body, "e", 1, 64, &v), ZC_E_BAD_REQUEST);
    assert_int_equal(zc_t_form(p, "", "a", 0, 64, &v), ZC_OK);
    assert_int_equal(zc_t_form(p, "&&a=1&", "a", 1, 64, &v), ZC_OK);
    assert_string_equal(v, "1");

    /* bad escapes anywhere, and bad decoded content */
    const char *bad[] = { "a=%zz", "a=%4", "a=%", "a=%4g", "b=%G0&a=1", "a=1&b=%", "a%=1", "a=%00",
                          "a=x%0Ay", "a=%7F", "a=%FF", "a=%C0%AF", "a=%ED%A0%80" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = "x";
        assert_int_equal(zc_t_form(p, bad[i], "a", 0, 64, &v), ZC_E_BAD_REQUEST);
        assert_null(v);
    }
    /* Only len bytes are read. */
    assert_int_equal(zc_form_get_string(p, "a=1&b=2XXXX", 7, "b", 1, 64, &v, &d), ZC_OK);
    assert_string_equal(v, "2");
    assert_int_equal(zc_form_get_string(p, NULL, 3, "a", 0, 64, &v, &d), ZC_E_BAD_REQUEST);
}

static void zc_t_dump(void **state)
{
    apr_pool_t *p = *state;

    assert_string_equal(zc_json_dump(p, json_pack("{s:s,s:i}", "名", "值", "n", 5)), "{\"名\":\"值\",\"n\":5}");
    assert_string_equal(zc_json_dump(p, json_pack("[s]", "a\"<\n")), "[\"a\\\"<\\n\"]");
    assert_string_equal(zc_json_dump(p, json_integer(7)), "7");
    assert_null(zc_json_dump(p, NULL));
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_parse_ok), ZC_T(zc_t_parse_bad), ZC_T(zc_t_parse_depth), ZC_T(zc_t_get_string),
    ZC_T(zc_t_form_get), ZC_T(zc_t_dump),
};

ZC_T_MAIN("json_req", zc_t_tests, NULL, NULL)
