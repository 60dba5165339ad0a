#ifndef SCIMD_CLIBPQ_SHIM_H
#define SCIMD_CLIBPQ_SHIM_H

/* pkg-config's libpq entry adds -I/usr/include/postgresql, where libpq-fe.h lives. */
#include <libpq-fe.h>

/* PG_DIAG_SQLSTATE is a character-literal macro, which Swift does not import as a field code. */
static inline int scimd_pq_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

#endif
