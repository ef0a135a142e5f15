/*
 * mainbus0: the root of the device tree, as in OpenBSD's dmesg.  Later
 * pvbus0 attaches under it.
 */
#ifndef _KERNEL_MAINBUS_H_
#define _KERNEL_MAINBUS_H_

struct bootinfo;

void	mainbus_attach(const struct bootinfo *bi);

#endif
