/* Shared settings: defaults, parsing, the office's name for report headers. */
#include <stdio.h>
#include <string.h>
#include "halaltrack/i18n.h"
#include "halaltrack/settings.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

void settings_init(struct ht_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->rules = SLA_PP42_2024;
}

const char *settings_cuti_name(int working)
{
    return working ? "working" : "nonworking";
}

int settings_cuti_parse(const char *v, int *working)
{
    if (v && strcmp(v, "nonworking") == 0)
        *working = 0;
    else if (v && strcmp(v, "working") == 0)
        *working = 1;
    else
        return -1;
    return 0;
}

int settings_set(struct ht_settings *s, const char *key, const char *value,
                 struct ht_err *err)
{
    if (strcmp(key, "office_name") == 0) {
        if (strlen(value) > SETTINGS_OFFICE_MAX || !utf8_valid(value, strlen(value))) {
            ht_err_set(err, HT_EINVAL,
                       _("office name is not UTF-8 text of at most %d bytes"),
                       SETTINGS_OFFICE_MAX);
            return -1;
        }
        snprintf(s->office_name, sizeof(s->office_name), "%s", value);
        return 0;
    }
    if (strcmp(key, "cuti_bersama") == 0) {
        if (settings_cuti_parse(value, &s->cuti_working) < 0) {
            ht_err_set(err, HT_EINVAL,
                       _("cuti_bersama '%.40s' is not one of nonworking, working"),
                       value);
            return -1;
        }
        return 0;
    }
    if (strcmp(key, "sla_rules") == 0) {
        if (sla_rules_parse(value, &s->rules) < 0) {
            ht_err_set(err, HT_EINVAL,
                       _("sla rules '%.40s' are not one of pp42_2024, uu6_2023"), value);
            return -1;
        }
        return 0;
    }
    ht_err_set(err, HT_EINVAL, _("unknown setting '%.40s'"), key);
    return -1;
}

static const struct {
    const char *section, *name, *key;
} config_keys[] = {
    {"office", "name", "office_name"},
    {"calendar", "cuti_bersama", "cuti_bersama"},
    {"sla", "rules", "sla_rules"},
};

const char *settings_config_key(const char *section, const char *name)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(config_keys); i++)
        if (strcmp(config_keys[i].section, section) == 0 &&
            strcmp(config_keys[i].name, name) == 0)
            return config_keys[i].key;
    return NULL;
}

int settings_config_section(const char *section)
{
    for (size_t i = 0; i < HT_ARRAY_LEN(config_keys); i++)
        if (strcmp(config_keys[i].section, section) == 0)
            return 1;
    return 0;
}

const char *settings_office_name(const struct ht_settings *s)
{
    return s->office_name[0] ? s->office_name : _("Cooperative and MSME office");
}
