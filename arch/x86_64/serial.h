#ifndef _ARCH_SERIAL_H
#define _ARCH_SERIAL_H
#include <kernel/types.h>
void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
int serial_getc_nonblock(void);	/* -1 when nothing is waiting */
#endif
