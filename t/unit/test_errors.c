/* Unit tests: errors.c (the section 7 table, JSON body, HTML page). */
#include "unit.h"

#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

#include "errors.h"

static void zc_t_table(void **state)
{
    /* DESIGN section 7 has 31 codes, in this order from errors.def. */
    assert_int_equal(ZC_E__COUNT - 1, 31);
    assert_null(zc_err_info(ZC_OK));
    assert_null(zc_err_info(ZC_E__COUNT));
    assert_null(zc_err_info((zc_err_t)-3));
    assert_string_equal(zc_err_info(ZC_E_REGION_DISABLED)->code, "REGION_DISABLED");
    assert_string_equal(zc_err_info(ZC_E_PAYLOAD_TOO_LARGE)->code, "PAYLOAD_TOO_LARGE");

    const struct { zc_err_t e; int status; unsigned reasons; } rows[] = {
        { ZC_E_CERT_EXPIRED, 401, ZC_R_EXPIRED | ZC_R_CLOCK },
        { ZC_E_THROTTLED, 429, ZC_R_PIN },
        { ZC_E_PAYLOAD_TOO_LARGE, 413, ZC_R_RELOAD },
        { ZC_E_NOT_FOUND, 404, 0 },
        { ZC_E_CERT_STATUS_UNKNOWN, 503, ZC_R_RETRY },
        { ZC_E_CERT_REVOKED, 401, ZC_R_REISSUE },
        { ZC_E_ACCOUNT_DISABLED, 403, ZC_R_ADMIN },
        { ZC_E_KEY_BOUND_ELSEWHERE, 409, ZC_R_UNBIND_FIRST },
        { ZC_E_REGION_DISABLED, 403, ZC_R_REGION },
        { ZC_E_BAD_REQUEST, 400, ZC_R_RELOAD },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(zc_err_info(rows[i].e)->status, rows[i].status);
        assert_int_equal(zc_err_info(rows[i].e)->reasons, rows[i].reasons);
    }
    assert_string_equal(zc_err_info(ZC_E_CERT_EXPIRED)->zh, "证书已过期，请联系CA机构更新");
    assert_string_equal(zc_err_info(ZC_E_CERT_EXPIRED)->en, "Certificate expired; renew it with your CA");
}

static void zc_t_by_code(void **state)
{
    for (int e = 1; e < ZC_E__COUNT; e++) {
        const zc_err_info_t *info = zc_err_info((zc_err_t)e);
        assert_non_null(info);
        assert_int_equal(zc_err_by_code(info->code), e);
        assert_true(info->status >= 400 && info->status <= 599);
        assert_true(info->zh[0] && info->en[0]);
    }
    assert_int_equal(zc_err_by_code("CERT_UNTRUSTED"), ZC_E_CERT_UNTRUSTED);
    assert_int_equal(zc_err_by_code("cert_expired"), ZC_OK);
    assert_int_equal(zc_err_by_code("NOPE"), ZC_OK);
    assert_int_equal(zc_err_by_code(""), ZC_OK);
    assert_int_equal(zc_err_by_code(NULL), ZC_OK);
}

/* DESIGN section 4 (2026-12-02): every login and bind failure carries at
 * least one actionable reason.  Only codes that are no refusal of a login or
 * bind (a missing session, a CA-only area, an unknown record) have none. */
static void zc_t_every_refusal_has_reasons(void **state)
{
    for (int e = 1; e < ZC_E__COUNT; e++) {
        const zc_err_info_t *info = zc_err_info((zc_err_t)e);
        int exempt = e == ZC_E_LOGIN_REQUIRED || e == ZC_E_CA_LOGIN_REQUIRED || e == ZC_E_NOT_FOUND;
        if (!exempt && info->reasons == 0)
            fail_msg("%s has no 可能失败原因", info->code);
    }
    assert_true(ZC_R__COUNT > 8 && ZC_R__COUNT <= 31);
}

static void zc_t_reasons(void **state)
{
    assert_string_equal(zc_err_reason_zh(0), "驱动未安装或版本过旧");
    assert_string_equal(zc_err_reason_en(0), "CA driver not installed or outdated");
    assert_string_equal(zc_err_reason_zh(5), "选择的CA服务商不正确");
    assert_string_equal(zc_err_reason_en(7), "Computer clock is wrong");
    assert_null(zc_err_reason_zh(ZC_R__COUNT));
    assert_null(zc_err_reason_en(100));
}

static void zc_t_json_exact(void **state)
{
    assert_string_equal(zc_err_json(*state, ZC_E_CERT_EXPIRED),
                        "{\"error\":{\"code\":\"CERT_EXPIRED\",\"message\":\"证书已过期，请联系CA机构更新\","
                        "\"message_en\":\"Certificate expired; renew it with your CA\","
                        "\"reasons\":[\"证书已过期\",\"电脑时间不正确\"],"
                        "\"reasons_en\":[\"Certificate expired\",\"Computer clock is wrong\"]}}");
    assert_string_equal(zc_err_json(*state, ZC_E_NOT_FOUND),
                        "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"记录不存在\","
                        "\"message_en\":\"Not found\",\"reasons\":[],\"reasons_en\":[]}}");
}

/* Every code renders JSON that parses back to exactly the table row. */
static void zc_t_json_all(void **state)
{
    for (int e = 1; e < ZC_E__COUNT; e++) {
        const zc_err_info_t *info = zc_err_info((zc_err_t)e);
        const char *text = zc_err_json(*state, (zc_err_t)e);
        json_error_t jerr;
        json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr), *err, *reasons, *reasons_en;

        assert_non_null(doc);
        assert_null(strstr(text, "\\u"));   /* UTF-8 kept as is */
        assert_int_equal(json_object_size(doc), 1);
        err = json_object_get(doc, "error");
        assert_true(json_is_object(err));
        assert_int_equal(json_object_size(err), 5);
        assert_string_equal(json_string_value(json_object_get(err, "code")), info->code);
        assert_string_equal(json_string_value(json_object_get(err, "message")), info->zh);
        assert_string_equal(json_string_value(json_object_get(err, "message_en")), info->en);
        reasons = json_object_get(err, "reasons");
        reasons_en = json_object_get(err, "reasons_en");
        assert_true(json_is_array(reasons) && json_is_array(reasons_en));
        size_t k = 0;
        for (unsigned bit = 0; bit < ZC_R__COUNT; bit++) {
            if (!(info->reasons & (1u << bit)))
                continue;
            assert_string_equal(json_string_value(json_array_get(reasons, k)), zc_err_reason_zh(bit));
            assert_string_equal(json_string_value(json_array_get(reasons_en, k)), zc_err_reason_en(bit));
            k++;
        }
        assert_int_equal(json_array_size(reasons), k);
        assert_int_equal(json_array_size(reasons_en), k);
        json_decref(doc);
    }
}

static void zc_t_json_invalid(void **state)
{
    const char *a = zc_err_json(*state, ZC_OK), *b = zc_err_json(*state, ZC_E__COUNT);
    json_t *doc = json_loads(a, 0, NULL);

    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "error"), "code")),
                        "SERVICE_UNAVAILABLE");
    json_decref(doc);
    assert_string_equal(a, b);
}

static void zc_t_escape(void **state)
{
    assert_string_equal(zc_html_escape(*state, "<script>alert('x')&\"</script>"),
                        "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;");
    assert_string_equal(zc_html_escape(*state, "证书 ok"), "证书 ok");
    assert_string_equal(zc_html_escape(*state, ""), "");
    assert_string_equal(zc_html_escape(*state, NULL), "");
}

static void zc_t_html_all(void **state)
{
    for (int e = 1; e < ZC_E__COUNT; e++) {
        const zc_err_info_t *info = zc_err_info((zc_err_t)e);
        const char *page = zc_err_html(*state, (zc_err_t)e, NULL);
        const char *head = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">";

        assert_memory_equal(page, head, strlen(head));
        assert_non_null(strstr(page, apr_pstrcat(*state, "<title>", info->zh, "</title>", NULL)));
        assert_non_null(strstr(page, apr_pstrcat(*state, "<h1>", info->zh, "</h1>", NULL)));
        assert_non_null(strstr(page, apr_pstrcat(*state, "<p>", info->en, "</p>", NULL)));
        assert_non_null(strstr(page, apr_pstrcat(*state, "错误代码 / code: ", info->code, "</p>", NULL)));
        assert_int_equal(strstr(page, "<h2>可能失败原因</h2><ul>") != NULL, info->reasons != 0);
        for (unsigned bit = 0; bit < ZC_R__COUNT; bit++) {
            const char *li = apr_pstrcat(*state, "<li>", zc_err_reason_zh(bit), "（",
                                         zc_err_reason_en(bit), "）</li>", NULL);
            assert_int_equal(strstr(page, li) != NULL, (info->reasons >> bit) & 1);
        }
        assert_null(strstr(page, "返回"));
        assert_string_equal(page + strlen(page) - 14, "</body></html>");
    }
}

static const char *zc_t_page(apr_pool_t *p, zc_err_t e, const char *login, const char *manage)
{
    zc_err_links_t links = {login, manage};
    return zc_err_html(p, e, &links);
}

static void zc_t_html_back_link(void **state)
{
    const char *page = zc_t_page(*state, ZC_E_CERT_UNTRUSTED, "/login?a=1&b=\"><script>x</script>", NULL);

    assert_non_null(strstr(page, "<a href=\"/login?a=1&amp;b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">返回登录页"));
    assert_null(strstr(page, "<script"));
    assert_non_null(strstr(zc_t_page(*state, ZC_E_CERT_UNTRUSTED, "https://a.example/x", NULL),
                           "<a href=\"https://a.example/x\">"));
    /* Only paths and http(s) URLs become links. */
    assert_null(strstr(zc_t_page(*state, ZC_E_CERT_UNTRUSTED, "javascript:alert(1)", NULL), "<a "));
    assert_null(strstr(zc_t_page(*state, ZC_E_CERT_UNTRUSTED, "//evil.example/", NULL), "<a "));
    assert_null(strstr(zc_t_page(*state, ZC_E_CERT_UNTRUSTED, "/\\evil.example/", NULL), "<a "));
    assert_null(strstr(zc_t_page(*state, ZC_E_CERT_UNTRUSTED, "", NULL), "<a "));
    /* An invalid value still renders a page. */
    assert_non_null(strstr(zc_err_html(*state, ZC_OK, NULL), "SERVICE_UNAVAILABLE"));
}

/* NOT_BOUND asks the user to log in with a password and bind: the page
 * links there, and to CA管理; other codes only lead back to the login. */
static void zc_t_html_not_bound_links(void **state)
{
    const char *page = zc_t_page(*state, ZC_E_NOT_BOUND, "https://a.example/login.html",
                                 "https://a.example/ca-admin.html?x=1&y=2");

    assert_non_null(strstr(page, "<a href=\"https://a.example/login.html?tab=password&amp;return="
                                 "https%3a%2f%2fa.example%2fca-admin.html%3fx%3d1%26y%3d2\">使用账号密码登录并绑定"));
    assert_non_null(strstr(page, "<a href=\"https://a.example/ca-admin.html?x=1&amp;y=2\">CA管理"));
    assert_non_null(strstr(page, "<a href=\"https://a.example/login.html\">返回登录页"));
    /* A login URL with a query gets &tab=, and without CA管理 no return. */
    page = zc_t_page(*state, ZC_E_NOT_BOUND, "/login.html?lang=en", NULL);
    assert_non_null(strstr(page, "<a href=\"/login.html?lang=en&amp;tab=password\">"));
    assert_null(strstr(page, "CA管理"));
    /* CA管理 alone still leads on; a javascript: one does not. */
    page = zc_t_page(*state, ZC_E_NOT_BOUND, NULL, "/ca-admin.html");
    assert_non_null(strstr(page, "<a href=\"/ca-admin.html\">CA管理"));
    assert_null(strstr(page, "使用账号密码登录并绑定"));
    assert_null(strstr(zc_t_page(*state, ZC_E_NOT_BOUND, NULL, "javascript:x()"), "<a "));
    /* Other codes: no password or CA管理 link. */
    page = zc_t_page(*state, ZC_E_CERT_EXPIRED, "/login.html", "/ca-admin.html");
    assert_null(strstr(page, "tab=password"));
    assert_null(strstr(page, "CA管理"));
    assert_non_null(strstr(page, "返回登录页"));
}

static const struct CMUnitTest zc_t_tests[] = {
    cmocka_unit_test(zc_t_table), cmocka_unit_test(zc_t_by_code), cmocka_unit_test(zc_t_reasons),
    cmocka_unit_test(zc_t_every_refusal_has_reasons),
    ZC_T(zc_t_json_exact), ZC_T(zc_t_json_all), ZC_T(zc_t_json_invalid), ZC_T(zc_t_escape),
    ZC_T(zc_t_html_all), ZC_T(zc_t_html_back_link), ZC_T(zc_t_html_not_bound_links),
};

ZC_T_MAIN("errors", zc_t_tests, NULL, NULL)
