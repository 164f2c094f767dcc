#ifndef SERVICELOG_CSYSTEMD_SHIM_H
#define SERVICELOG_CSYSTEMD_SHIM_H
/* Without this, sd-journal.h turns sd_journal_sendv into a macro adding CODE_FILE/CODE_LINE of this
   header. Swift ignores function-like macros anyway; the define makes the C view match what Swift calls. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#endif
