#ifndef SCIMD_CMICROHTTPD_SHIM_H
#define SCIMD_CMICROHTTPD_SHIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* Every option scimd passes to MHD_start_daemon. One context pointer goes to all four callbacks. */
struct scimd_daemon_options {
    unsigned int flags;
    const struct sockaddr *address;
    void *context;
    MHD_AccessHandlerCallback access_handler;
    MHD_RequestCompletedCallback completed_handler;
    void *(*uri_logger)(void *context, const char *uri, struct MHD_Connection *connection);
    MHD_LogCallback error_logger;
    unsigned int thread_pool_size;
    unsigned int connection_timeout_seconds;
    unsigned int connection_limit;
    unsigned int listen_backlog;
    size_t connection_memory_limit;
};

/* MHD_start_daemon is variadic, which Swift cannot call. The logger comes first so that errors in
   the options that follow it are reported through it too. */
static inline struct MHD_Daemon *scimd_start_daemon(const struct scimd_daemon_options *options)
{
    return MHD_start_daemon(
        options->flags, 0, NULL, NULL, options->access_handler, options->context,
        MHD_OPTION_EXTERNAL_LOGGER, options->error_logger, options->context,
        MHD_OPTION_SOCK_ADDR, options->address,
        MHD_OPTION_NOTIFY_COMPLETED, options->completed_handler, options->context,
        MHD_OPTION_URI_LOG_CALLBACK, options->uri_logger, options->context,
        MHD_OPTION_THREAD_POOL_SIZE, options->thread_pool_size,
        MHD_OPTION_CONNECTION_TIMEOUT, options->connection_timeout_seconds,
        MHD_OPTION_CONNECTION_LIMIT, options->connection_limit,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, options->listen_backlog,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, options->connection_memory_limit,
        MHD_OPTION_END);
}

/* Returns the port the daemon listens on, or 0 when libmicrohttpd cannot tell. MHD_get_daemon_info
   is variadic too. */
static inline uint16_t scimd_daemon_bind_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

#endif
