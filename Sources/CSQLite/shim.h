#ifndef SCIMD_CSQLITE_SHIM_H
#define SCIMD_CSQLITE_SHIM_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast macro, which Swift does not import. */
static inline sqlite3_destructor_type scimd_sqlite_transient(void) { return SQLITE_TRANSIENT; }

#endif
