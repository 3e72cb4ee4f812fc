/* SPDX-License-Identifier: MIT */
/**
 * DOC: libptkit - read, explain and edit x86-64 page tables
 *
 * Include this header and link with -lptkit (pkg-config ptkit).
 * See libptkit(3).
 */
#ifndef PTKIT_PTKIT_H
#define PTKIT_PTKIT_H

#include "ctx.h"
#include "paging.h"
#include "source.h"
#include "walk.h"
#include "translate.h"
#include "runs.h"
#include "ptdump.h"
#include "discover.h"
#include "layout.h"
#include "census.h"
#include "directmap.h"
#include "edit.h"
#include "trace.h"
#include "alloc.h"
#include "replay.h"
#include "mm.h"
#include "build.h"
#include "spec.h"
#include "symbols.h"
#include "types.h"
#include "tasks.h"
#include "rmap.h"
#include "vmstat.h"
#include "hugetlb.h"
#include "census-regions.h"
#include "vmemmap.h"
#include "modules.h"
#include "replay-setup.h"
#include "holes.h"
#include "check.h"

#define PTKIT_VERSION "0.1.0"

#endif
