/*
 * vmt(4): the VMware Tools driver, a child of pvbus.
 */
#ifndef _DRIVERS_VMT_VMTVAR_H_
#define _DRIVERS_VMT_VMTVAR_H_

struct pv_attach_args;

int	vmt_match(const struct pv_attach_args *pva);
int	vmt_attach(const struct pv_attach_args *pva);

#endif
