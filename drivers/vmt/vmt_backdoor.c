/*
 * vmt0's first steps: what the VMware backdoor's plain commands say
 * about the machine (docs/reference/vmware.md "Backdoor I/O port",
 * "Backdoor commands"; open-vm-tools lib/include/backdoor_def.h,
 * vmcheck.c; QEMU hw/i386/vmport.c): the BIOS UUID, the memory size
 * checked against the loader's memory map, the TSC rate, the CPU speed,
 * the host's time.  A command the host refuses is unsupported, a SKIP,
 * never data.
 */

#include "kern.h"
#include "fwvar.h"
#include "ktap.h"
#include "vmtvar.h"
#include "vmwarereg.h"
#include "x86.h"		/* rdtsc(): when GETTIMEFULL answered */

#define MIB		(1024 * 1024ULL)

/*
 * One backdoor command: EAX magic, ECX command, DX the port, by the way
 * vmt_attach() chose (hvio_backdoor(): by VMCALL or VMMCALL the flags
 * take the port's place).
 */
static int
vm_cmd(const struct vmt_softc *sc, uint32_t cmd, uint32_t ebx,
    struct vm_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->vr_rax = VM_MAGIC;
	r->vr_rbx = ebx;
	r->vr_rcx = cmd;
	r->vr_rdx = VM_PORT_CMD;
	return hvio_backdoor(sc->sc_io, sc->sc_via, r);
}

/*
 * The BIOS UUID is the one SMBIOS type 1 holds (VMware's uuid.bios;
 * QEMU's -uuid fills both): the two must name the same UUID, in the
 * order SMBIOS 2.6 defines or as the table stores it (VMware's tables
 * claim 2.7 and store it big-endian; docs/reference/firmware.md "The
 * system UUID").  Only when the bus had this machine's SMBIOS to give.
 */
static int
vmt_uuid_vs_smbios(const struct vmt_softc *sc, const uint8_t b[16])
{
	char text[37];

	if (sc->sc_fw_uuid == NULL)
		return KTAP_PASS;
	switch (smbios_uuid_match(sc->sc_fw_uuid, b)) {
	case FW_UUID_MATCH:
		printf("%s: bios uuid matches SMBIOS type 1\n", sc->sc_name);
		return KTAP_PASS;
	case FW_UUID_MATCH_RAW:
		printf("%s: bios uuid matches SMBIOS type 1 as stored, not in "
		    "SMBIOS 2.6's byte order\n", sc->sc_name);
		return KTAP_PASS;
	case FW_UUID_DIFFER:
		break;
	}
	smbios_uuid_text(sc->sc_fw_uuid->fu_text, text);
	return ktap_fail("GETBIOSUUID differs from SMBIOS type 1's UUID %s",
	    text);
}

/* GETBIOSUUID: the 16 bytes in EAX..EDX, little-endian words. */
int
vmt_uuid(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;
	uint8_t b[16];
	uint32_t w[4];
	int i;

	if (vm_cmd(sc, VM_CMD_GET_BIOS_UUID, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED)
		return ktap_skip("GETBIOSUUID unsupported");
	w[0] = (uint32_t)r.vr_rax, w[1] = (uint32_t)r.vr_rbx;
	w[2] = (uint32_t)r.vr_rcx, w[3] = (uint32_t)r.vr_rdx;
	for (i = 0; i < 16; i++)
		b[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
	printf("%s: bios uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x\n", sc->sc_name, b[0], b[1], b[2], b[3],
	    b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
	    b[14], b[15]);
	return vmt_uuid_vs_smbios(sc, b);
}

/*
 * GETMEMSIZE: VMware answers MB, QEMU bytes in 32 bits, which wrap from
 * 4 GiB up; either way the answer must agree with the memory map
 * (vmt_memsize_judge() in vmt_reply.c has the rule and its sources).
 */
int
vmt_memsize(void *arg)
{
	struct vmt_softc *sc = arg;
	static const char *const how[] = {
		[VMT_MEM_MB] = "answered in MB, as VMware does",
		[VMT_MEM_BYTES] = "answered in bytes, as QEMU does",
		[VMT_MEM_BYTES_LOW32] = "answered in bytes, as QEMU does, "
		    "modulo 4 GiB",
	};
	struct vm_regs r;
	enum vmt_mem_unit unit;
	uint64_t bytes;
	uint32_t v;

	if (vm_cmd(sc, VM_CMD_GET_MEMSIZE, 0, &r) != 0 ||
	    (v = (uint32_t)r.vr_rax) == VM_UNSUPPORTED)
		return ktap_skip("GETMEMSIZE unsupported");
	if (sc->sc_mem_avail == 0)
		return ktap_skip("no memory map to check GETMEMSIZE against");
	if ((unit = vmt_memsize_judge(v, sc->sc_mem_avail, &bytes)) !=
	    VMT_MEM_WRONG) {
		printf("%s: memory %lu MB (%s", sc->sc_name,
		    (unsigned long)(bytes / MIB), how[unit]);
		if (unit == VMT_MEM_BYTES_LOW32)
			printf(": EAX 0x%08x", v);
		printf("); memory map %lu MB\n",
		    (unsigned long)(sc->sc_mem_avail / MIB));
		return KTAP_PASS;
	}
	printf("%s: memory size 0x%08x agrees with the memory map's %lu MB "
	    "neither as MB nor as bytes (nor as their low 32 bits)\n",
	    sc->sc_name, v, (unsigned long)(sc->sc_mem_avail / MIB));
	return ktap_fail("GETMEMSIZE disagrees with the memory map");
}

/*
 * A TSC rate the guest clock can run on: the waits and the uptime
 * divide by hz / 1000000 and hz / 100, and the clock multiplies what
 * is left of a division by hz by 1000000 in 64 bits.  No x86 TSC has
 * run below 1 MHz or above 1 THz; a host that says so is not believed.
 */
bool
vmt_tsc_hz_plausible(uint64_t hz)
{
	return hz >= VMT_TSC_HZ_MIN && hz <= VMT_TSC_HZ_MAX;
}

/* GETHZ: EBX stays all ones when the host does not know the rate. */
int
vmt_gethz(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;
	uint64_t hz;

	if (vm_cmd(sc, VM_CMD_GET_HZ, 0xffffffff, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED ||
	    (uint32_t)r.vr_rbx == 0xffffffff)
		return ktap_skip("GETHZ unsupported");
	hz = (uint64_t)(uint32_t)r.vr_rbx << 32 | (uint32_t)r.vr_rax;
	printf("%s: TSC %lu Hz, APIC bus %u Hz\n", sc->sc_name,
	    (unsigned long)hz, (uint32_t)r.vr_rcx);
	if (!vmt_tsc_hz_plausible(hz))
		return ktap_fail("GETHZ says the TSC runs at %lu Hz, outside "
		    "%lu Hz..%lu Hz: not used", (unsigned long)hz,
		    (unsigned long)VMT_TSC_HZ_MIN,
		    (unsigned long)VMT_TSC_HZ_MAX);
	sc->sc_tsc_hz = hz;	/* the guest clock runs on it */
	return KTAP_PASS;
}

/*
 * GETMHZ: EAX = the CPU's MHz.  Refused, it reads all ones (QEMU 7.2
 * does not have it), and a host that ignores the command leaves the
 * magic in EAX, which is why OpenBSD's probe checks for that.
 */
int
vmt_getmhz(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;

	if (vm_cmd(sc, VM_CMD_GET_SPEED, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED ||
	    (uint32_t)r.vr_rax == VM_MAGIC)
		return ktap_skip("GETMHZ unsupported");
	printf("%s: CPU %u MHz (GETMHZ)\n", sc->sc_name, (uint32_t)r.vr_rax);
	return KTAP_PASS;
}

/* GETTIME: EAX seconds (32 bits), EBX microseconds; all ones = refused. */
int
vmt_gettime(void *arg)
{
	struct vmt_softc *sc = arg;
	struct vm_regs r;

	if (vm_cmd(sc, VM_CMD_GET_TIME, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax == VM_UNSUPPORTED)
		return ktap_skip("GETTIME unsupported");
	printf("%s: host time %u.%06u s (GETTIME)\n", sc->sc_name,
	    (uint32_t)r.vr_rax, (uint32_t)r.vr_rbx);
	return KTAP_PASS;
}

/*
 * GETTIMEFULL: on success EAX is left as the magic; ESI:EDX seconds,
 * EBX microseconds.  *tsc is the TSC halfway through the call, the
 * moment the answer is best taken to describe (the exit to the host
 * takes a while under emulation).  ENXIO if the host refused.
 */
int
vmt_gettimefull(struct vmt_softc *sc, uint64_t *us, uint64_t *tsc)
{
	struct vm_regs r;
	uint64_t s, t0;

	t0 = rdtsc();
	if (vm_cmd(sc, VM_CMD_GET_TIME_FULL, 0, &r) != 0 ||
	    (uint32_t)r.vr_rax != VM_MAGIC)
		return ENXIO;
	*tsc = t0 + (rdtsc() - t0) / 2;
	s = (uint64_t)(uint32_t)r.vr_rsi << 32 | (uint32_t)r.vr_rdx;
	*us = s * 1000000 + (uint32_t)r.vr_rbx;
	return 0;
}
