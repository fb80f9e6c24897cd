/* reply.c - the answer texts, one row per code (reply.h). */
#include "reply.h"

static const struct {
    const char *msg, *msg_en;
} zca_reply_texts[] = {
    [ZCA_OK] = { "成功", "OK" },
    [ZCA_E_BAD_REQUEST] = { "请求格式错误", "Bad request" },
    [ZCA_E_UNKNOWN_FUNCTION] = { "不支持的功能", "Unknown function" },
    [ZCA_E_NO_CERT] = { "未找到该证书，请确认CA锁已插入", "No such certificate; is the key plugged in?" },
    [ZCA_E_PIN_INCORRECT] = { "PIN码错误", "Wrong PIN" },
    [ZCA_E_PIN_LOCKED] = { "PIN码已锁定，请联系CA机构解锁", "PIN locked; ask your CA to unlock the key" },
    [ZCA_E_NOT_LOGGED_IN] = { "未登录CA锁，请先输入PIN码", "Not logged in to the key; enter the PIN first" },
    [ZCA_E_REFUSED] = { "拒绝签名：数据不是本网站的登录请求", "Refused to sign: not a login request of this site" },
    [ZCA_E_TOKEN] = { "CA锁操作失败", "The key or the driver failed" },
    [ZCA_E_ORIGIN] = { "该网站无权使用CA驱动", "This site may not use the CA driver" },
    [ZCA_E_TOO_LARGE] = { "请求过大", "Request too large" },
};

json_t *zca_reply(zca_code_t code, json_t *data, const char *msg, const char *msg_en)
{
    if ((unsigned)code >= sizeof zca_reply_texts / sizeof *zca_reply_texts)
        code = ZCA_E_TOKEN;
    if (data == NULL)
        data = code == ZCA_OK ? json_object() : json_null();
    return json_pack("{s:i, s:s, s:s, s:o}", "code", (int)code, "msg", msg ? msg : zca_reply_texts[code].msg,
                     "msg_en", msg_en ? msg_en : zca_reply_texts[code].msg_en, "data", data);
}

unsigned zca_reply_status(zca_code_t code)
{
    return code == ZCA_E_ORIGIN ? 403 : code == ZCA_E_TOO_LARGE ? 413 : 200;
}
