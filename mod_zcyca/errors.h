/* The error table of DESIGN.md section 7 (pure: no httpd headers). */
#ifndef ZC_ERRORS_H
#define ZC_ERRORS_H

#include <apr_pools.h>

/* 可能失败原因 (possible reasons), one bit each (ZC_R_DRIVER, ZC_R_KEY, ...);
 * errors.def lists them and names a set per code. */
enum {
#define ZC_REASON(name, zh, en) ZC_RB_##name,
#define ZC_ERR(code, status, zh, en, reasons)
#include "errors.def"
#undef ZC_ERR
#undef ZC_REASON
    ZC_R__COUNT
};
enum {
#define ZC_REASON(name, zh, en) ZC_R_##name = 1 << ZC_RB_##name,
#define ZC_ERR(code, status, zh, en, reasons)
#include "errors.def"
#undef ZC_ERR
#undef ZC_REASON
};

typedef enum {
    ZC_OK = 0,
#define ZC_REASON(name, zh, en)
#define ZC_ERR(code, status, zh, en, reasons) ZC_E_##code,
#include "errors.def"
#undef ZC_ERR
#undef ZC_REASON
    ZC_E__COUNT
} zc_err_t;

typedef struct {
    const char *code;    /* "CERT_EXPIRED" */
    int status;          /* HTTP status */
    const char *zh;      /* message (Chinese) */
    const char *en;      /* message_en */
    unsigned reasons;    /* ZC_R_* bits */
} zc_err_info_t;

/* Table row for e; NULL for ZC_OK or out of range. */
const zc_err_info_t *zc_err_info(zc_err_t e);

/* Look a code up by name ("CERT_EXPIRED"); ZC_OK when unknown. */
zc_err_t zc_err_by_code(const char *code);

/* Reason i (0 .. ZC_R__COUNT-1) in Chinese and English. */
const char *zc_err_reason_zh(unsigned i);
const char *zc_err_reason_en(unsigned i);

/* {"error":{"code","message","message_en","reasons":[...]}} as a compact
 * UTF-8 string allocated from p.  reasons lists the Chinese 可能失败原因 of
 * the code, in bit order. */
const char *zc_err_json(apr_pool_t *p, zc_err_t e);

/* Where an error page leads on (ZcyCALoginURL, ZcyCAManageURL); either may
 * be NULL.  Only local paths and http(s) URLs ever become links. */
typedef struct {
    const char *login_url;
    const char *manage_url;
} zc_err_links_t;

/* A complete, self-contained HTML5 page (lang zh-CN, UTF-8) with the same
 * content: message, message_en, code, and the reasons as a list under the
 * heading 可能失败原因.  Then the ways on: 返回登录页 (login_url), and for
 * NOT_BOUND 使用账号密码登录并绑定 (login_url?tab=password&return=manage_url)
 * and CA管理 (manage_url).  links may be NULL.  Every string placed in the
 * page is HTML-escaped. */
const char *zc_err_html(apr_pool_t *p, zc_err_t e, const zc_err_links_t *links);

/* HTML-escape s (& < > " ') into a pool string. */
const char *zc_html_escape(apr_pool_t *p, const char *s);

#endif
