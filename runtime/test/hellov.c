// SPDX-License-Identifier: GPL-2.0
/* hello.c built with a wrong SD_PROTOCOL_VERSION (see Kbuild). */
#include "hello.c"
