/*
 * Error codes a kernel function returns: 0 for success, one of these
 * (positive) otherwise.  The numbers are the traditional UNIX ones so a
 * reader who knows errno(2) recognises them; nothing outside the kernel
 * depends on the values.
 */
#ifndef _KERNEL_ERRNO_H_
#define _KERNEL_ERRNO_H_

#define EPERM		1	/* the other side refused on principle */
#define ENOENT		2	/* no such item (a tag, a key) */
#define EIO		5	/* the other side answered "no" */
#define ENXIO		6	/* nothing answered */
#define E2BIG		7	/* more items than we keep room for */
#define ENOMEM		12	/* no memory left to hand out */
#define EFAULT		14	/* the CPU raised an exception (#GP, #UD) */
#define EEXIST		17	/* the item is already there (a duplicate) */
#define ENODEV		19	/* the device or interface is not present */
#define EINVAL		22	/* malformed input */
#define ENOSPC		28	/* a fixed buffer is full */
#define ERANGE		34	/* a number or length out of range */
#define ETIMEDOUT	60	/* gave up waiting */

#endif
