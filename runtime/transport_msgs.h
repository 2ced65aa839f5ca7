/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sonde transport protocol: the one header shared by a Sonde kernel module
 * (runtime/transport.h) and the user-space loader (runtime/loader/sonde-run).
 *
 * No kernel includes and no libc beyond <stdint.h>: fixed-width types only,
 * so that both sides agree on every layout.  All values are in the host's
 * byte order (module and loader always run on the same machine).
 *
 * Files, under debugfs (normally /sys/kernel/debug):
 *
 *   sonde/<module name>/.cmd      control file, one opener at a time
 *   sonde/<module name>/traceN    relay channel of CPU N (read-only)
 *
 * Control file.  Every message is a struct sd_msg_hdr followed by hdr.len
 * payload bytes.  One write(2) carries exactly one message; one read(2)
 * returns exactly one message (the buffer must hold SD_MSG_MAX bytes).
 * Opening the file queues SD_MSG_READY.  Closing it without having sent
 * SD_MSG_EXIT makes the module stop its probes at once.
 *
 *   loader -> module   SD_MSG_START  (struct sd_msg_start)  begin probes, arm
 *                      SD_MSG_EXIT   (no payload)           shut down
 *   module -> loader   SD_MSG_READY  (struct sd_msg_ready)  after open
 *                      SD_MSG_OOB    (struct sd_msg_oob + text)
 *                      SD_MSG_REQUEST_EXIT (no payload)     script called exit()
 *                      SD_MSG_DONE   (struct sd_msg_done)   safe to unload
 *
 * Relay channels.  Each traceN file is a byte stream (relay removes the
 * sub-buffer padding) of chunks: a struct sd_chunk_hdr followed by hdr.len
 * bytes.  Every chunk carries a sequence number that is global over all
 * CPUs, starting at 1 with no gaps; the loader prints chunks in sequence
 * order.  A chunk of type SD_MSG_OOB carries warning/error text whose kind
 * is in hdr.flags, so it stays in order with the output around it.
 */
#ifndef _SD_TRANSPORT_MSGS_H_
#define _SD_TRANSPORT_MSGS_H_

#ifdef __KERNEL__
#include <linux/types.h>
typedef u16 sd_u16;
typedef u32 sd_u32;
typedef u64 sd_u64;
#else
#include <stdint.h>
typedef uint16_t sd_u16;
typedef uint32_t sd_u32;
typedef uint64_t sd_u64;
#endif

/*
 * Bump on any change to a layout or to the meaning of a message.  (The
 * #ifndef lets runtime/test build a module that speaks a wrong version.)
 */
#ifndef SD_PROTOCOL_VERSION
#define SD_PROTOCOL_VERSION	1
#endif

#define SD_DEBUGFS_TOP		"sonde"
#define SD_CMD_FILE		".cmd"
#define SD_RELAY_BASE		"trace"

/* Module parameters that the transport itself defines. */
#define SD_PARAM_BUFSIZE	"_sd_bufsize"	/* relay MB per CPU */
#define SD_PARAM_TARGET		"_sd_target"	/* target pid, 0 = none */

enum sd_msg_id {
	SD_MSG_START		= 1,	/* loader -> module */
	SD_MSG_EXIT		= 2,	/* loader -> module */
	SD_MSG_READY		= 16,	/* module -> loader */
	SD_MSG_OOB		= 17,	/* module -> loader (and chunk type) */
	SD_MSG_REQUEST_EXIT	= 18,	/* module -> loader */
	SD_MSG_DONE		= 19,	/* module -> loader */
	SD_MSG_DATA		= 32,	/* chunk type: script output */
};

enum sd_oob_kind {
	SD_OOB_WARNING		= 1,
	SD_OOB_ERROR		= 2,
};

struct sd_msg_hdr {
	sd_u32 id;		/* enum sd_msg_id */
	sd_u32 len;		/* payload bytes that follow */
};

struct sd_msg_start {
	sd_u32 version;		/* SD_PROTOCOL_VERSION of the loader */
	sd_u32 reserved;
};

struct sd_msg_ready {
	sd_u32 version;		/* SD_PROTOCOL_VERSION of the module */
	sd_u32 nr_cpus;		/* highest possible CPU number + 1 */
	sd_u32 subbuf_size;	/* relay sub-buffer size, bytes */
	sd_u32 n_subbufs;	/* relay sub-buffers per CPU */
};

struct sd_msg_done {
	sd_u64 errors;		/* as passed to _sd_transport_done() */
	sd_u64 skipped;
	sd_u64 dropped;		/* chunks lost: relay full or re-entered */
};

struct sd_msg_oob {
	sd_u32 kind;		/* enum sd_oob_kind */
	sd_u32 reserved;
	/* followed by the text, not NUL-terminated */
};

/* Longest control message (header included) and longest OOB text. */
#define SD_OOB_TEXT_MAX		1024
#define SD_MSG_MAX		(sizeof(struct sd_msg_hdr) + \
				 sizeof(struct sd_msg_oob) + SD_OOB_TEXT_MAX)

#define SD_CHUNK_MAGIC		0x53444331u	/* "SDC1" */

struct sd_chunk_hdr {
	sd_u32 magic;		/* SD_CHUNK_MAGIC */
	sd_u16 type;		/* SD_MSG_DATA or SD_MSG_OOB */
	sd_u16 flags;		/* SD_MSG_OOB: enum sd_oob_kind */
	sd_u32 len;		/* bytes that follow */
	sd_u32 reserved;
	sd_u64 seq;		/* global sequence number, from 1 */
};

#endif /* _SD_TRANSPORT_MSGS_H_ */
