/* The error table of DESIGN.md section 7 and its renderings (pure: no
 * httpd headers).  The rows come only from errors.def. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <apr_strings.h>
#include <apr_escape.h>
#include <jansson.h>

#include "errors.h"

static const zc_err_info_t zc_err_table[] = {
#define ZC_REASON(name, zh, en)
#define ZC_ERR(code, status, zh, en, reasons) { #code, status, zh, en, reasons },
#include "errors.def"
#undef ZC_ERR
#undef ZC_REASON
};

/* 可能失败原因, indexed by ZC_R_* bit number. */
static const char *const zc_reason_zh[ZC_R__COUNT] = {
#define ZC_REASON(name, zh, en) zh,
#define ZC_ERR(code, status, zh, en, reasons)
#include "errors.def"
#undef ZC_ERR
#undef ZC_REASON
};

static const char *const zc_reason_en[ZC_R__COUNT] = {
#define ZC_REASON(name, zh, en) en,
#define ZC_ERR(code, status, zh, en, reasons)
#include "errors.def"
#undef ZC_ERR
#undef ZC_REASON
};

_Static_assert(sizeof zc_err_table / sizeof zc_err_table[0] == (size_t)ZC_E__COUNT - 1,
               "one table row per zc_err_t value");

const zc_err_info_t *zc_err_info(zc_err_t e)
{
    if ((int)e <= (int)ZC_OK || (int)e >= (int)ZC_E__COUNT)
        return NULL;
    return &zc_err_table[(int)e - 1];
}

/* Rendering an invalid value (ZC_OK, out of range) must still produce a
 * well-formed error, so it becomes SERVICE_UNAVAILABLE. */
static const zc_err_info_t *zc_err_row(zc_err_t e)
{
    const zc_err_info_t *info = zc_err_info(e);
    return info ? info : zc_err_info(ZC_E_SERVICE_UNAVAILABLE);
}

zc_err_t zc_err_by_code(const char *code)
{
    if (code == NULL)
        return ZC_OK;
    for (int i = 1; i < (int)ZC_E__COUNT; i++)
        if (strcmp(zc_err_table[i - 1].code, code) == 0)
            return (zc_err_t)i;
    return ZC_OK;
}

const char *zc_err_reason_zh(unsigned i)
{
    return i < ZC_R__COUNT ? zc_reason_zh[i] : NULL;
}

const char *zc_err_reason_en(unsigned i)
{
    return i < ZC_R__COUNT ? zc_reason_en[i] : NULL;
}

static const char zc_err_json_fallback[] =
    "{\"error\":{\"code\":\"SERVICE_UNAVAILABLE\",\"message\":\"系统繁忙，请稍后再试\","
    "\"message_en\":\"Service temporarily unavailable\",\"reasons\":[]}}";

const char *zc_err_json(apr_pool_t *p, zc_err_t e)
{
    const zc_err_info_t *info = zc_err_row(e);
    json_t *reasons = json_array(), *doc;
    const char *out = zc_err_json_fallback;
    char *text;

    json_t *reasons_en = json_array();
    if (reasons == NULL || reasons_en == NULL) {
        json_decref(reasons);
        json_decref(reasons_en);
        return out;
    }
    for (unsigned i = 0; i < ZC_R__COUNT; i++)
        if (info->reasons & (1u << i)) {
            json_array_append_new(reasons, json_string(zc_reason_zh[i]));
            json_array_append_new(reasons_en, json_string(zc_reason_en[i]));
        }
    /* "o" steals reasons, also when json_pack fails.  reasons_en goes beside
     * DESIGN's fields, so pages in English need no copy of the table. */
    doc = json_pack("{s:{s:s,s:s,s:s,s:o,s:o}}", "error", "code", info->code, "message", info->zh,
                    "message_en", info->en, "reasons", reasons, "reasons_en", reasons_en);
    if (doc == NULL)
        return out;
    text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (text) {
        out = apr_pstrdup(p, text);
        free(text);
    }
    return out;
}

const char *zc_html_escape(apr_pool_t *p, const char *s)
{
    size_t n = 0;
    char *out, *o;

    if (s == NULL)
        return "";
    for (const char *c = s; *c; c++) {
        switch (*c) {
        case '&': n += 5; break;
        case '<': case '>': n += 4; break;
        case '"': case '\'': n += 6; break;  /* &quot;, &#39; */
        default: n += 1;
        }
    }
    out = o = apr_palloc(p, n + 1);
    for (const char *c = s; *c; c++) {
        const char *rep = NULL;
        switch (*c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: *o++ = *c; continue;
        }
        size_t l = strlen(rep);
        memcpy(o, rep, l);
        o += l;
    }
    *o = '\0';
    return out;
}

/* Only same-site paths and http(s) URLs become links: a configured or
 * computed back link must never be a javascript: or data: URL. */
static int zc_err_link_ok(const char *url)
{
    if (url == NULL || *url == '\0')
        return 0;
    if (url[0] == '/')
        return url[1] != '/' && url[1] != '\\';
    return strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0;
}

#define ZC_ERR_STYLE                                                                     \
    "body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}" \
    "h1{font-size:1.4em;color:#a00}h2{font-size:1.1em}p.code{color:#666}"

static char *zc_err_link(apr_pool_t *p, char *page, const char *url, const char *text)
{
    return apr_pstrcat(p, page, "<li><a href=\"", zc_html_escape(p, url), "\">", text, "</a></li>", NULL);
}

/* A page that says what went wrong must also say where to go: a dead end
 * is what users of a failed form login met before. */
static char *zc_err_leads_on(apr_pool_t *p, char *page, zc_err_t e, const zc_err_links_t *links)
{
    const char *login = links && zc_err_link_ok(links->login_url) ? links->login_url : NULL;
    const char *manage = links && zc_err_link_ok(links->manage_url) ? links->manage_url : NULL;
    if (!login && !(e == ZC_E_NOT_BOUND && manage))
        return page;
    page = apr_pstrcat(p, page, "<ul class=\"next\">", NULL);
    if (e == ZC_E_NOT_BOUND && login) {
        const char *to = apr_pstrcat(p, login, strchr(login, '?') ? "&" : "?", "tab=password",
                                     manage ? "&return=" : "", manage ? apr_pescape_urlencoded(p, manage) : "",
                                     NULL);
        page = zc_err_link(p, page, to, "使用账号密码登录并绑定（Log in with password and bind）");
    }
    if (e == ZC_E_NOT_BOUND && manage)
        page = zc_err_link(p, page, manage, "CA管理（CA management）");
    if (login)
        page = zc_err_link(p, page, login, "返回登录页（Back to login）");
    return apr_pstrcat(p, page, "</ul>", NULL);
}

#define ZC_ERR_STYLE_NEXT "ul.next{list-style:none;padding:0}ul.next li{margin:.4em 0}"

const char *zc_err_html(apr_pool_t *p, zc_err_t e, const zc_err_links_t *links)
{
    const zc_err_info_t *info = zc_err_row(e);
    const char *zh = zc_html_escape(p, info->zh);
    char *page;

    page = apr_pstrcat(p,
                       "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>", zh, "</title><style>" ZC_ERR_STYLE ZC_ERR_STYLE_NEXT "</style></head><body>"
                       "<h1>", zh, "</h1><p>", zc_html_escape(p, info->en), "</p>"
                       "<p class=\"code\">错误代码 / code: ", zc_html_escape(p, info->code), "</p>",
                       NULL);
    if (info->reasons) {
        page = apr_pstrcat(p, page, "<h2>可能失败原因</h2><ul>", NULL);
        for (unsigned i = 0; i < ZC_R__COUNT; i++)
            if (info->reasons & (1u << i))
                page = apr_pstrcat(p, page, "<li>", zc_html_escape(p, zc_reason_zh[i]), "（",
                                   zc_html_escape(p, zc_reason_en[i]), "）</li>", NULL);
        page = apr_pstrcat(p, page, "</ul>", NULL);
    }
    page = zc_err_leads_on(p, page, e, links);
    return apr_pstrcat(p, page, "</body></html>", NULL);
}
