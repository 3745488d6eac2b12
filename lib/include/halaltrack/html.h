/* HTML text: escaping for element content and attribute values. */
#ifndef HALALTRACK_HTML_H
#define HALALTRACK_HTML_H

#include <stdio.h>

/* Writes s with & < > " escaped (NULL writes nothing); attribute values are written in
 * double quotes. */
void html_escape(FILE *fp, const char *s);

#endif
