/*
 * Debian trixie's static libdqlite.a was compiled against glibc 2.38, whose
 * headers redirect strtol/strtoull/sscanf to the C23 variants below. Bookworm's
 * glibc 2.36 lacks them; these forwarders let the static archive link. The only
 * behaviour lost is C23's "0b" binary-prefix parsing, which dqlite never uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

long __isoc23_strtol(const char *nptr, char **endptr, int base)
{
	return strtol(nptr, endptr, base);
}

unsigned long long __isoc23_strtoull(const char *nptr, char **endptr, int base)
{
	return strtoull(nptr, endptr, base);
}

int __isoc23_sscanf(const char *str, const char *format, ...)
{
	va_list ap;
	int ret;

	va_start(ap, format);
	ret = vsscanf(str, format, ap);
	va_end(ap);
	return ret;
}
