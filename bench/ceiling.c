/*
 * ceiling: an HTTP server that responds to every request with the same SCIM User,
 * so that a benchmark can measure what libmicrohttpd alone serves on a machine.
 *
 * It starts the daemon with the flags and options of scimd's HTTP server, the
 * defaults of HTTPServer.Configuration in Sources/SCIMHTTP. These are an epoll
 * thread pool with one thread per online core and a 30 s connection timeout.
 * They also set at most 1000 connections, a listen backlog of 511, and a
 * 128 KiB memory pool per connection.
 *
 * It reads and discards any request body, then responds 201 to POST and 200 to
 * every other method, with a fixed application/scim+json body of 694 bytes.
 *
 * NOTE: keep these options in step with scimd's, or the ceiling stops being
 * the same HTTP layer.
 *
 * Build: cc -O2 -o ceiling ceiling.c $(pkg-config --cflags --libs libmicrohttpd)
 * Usage: ceiling PORT   (listens on 127.0.0.1:PORT until SIGTERM or SIGINT)
 */

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A SCIM User with the usual attributes and a meta.location: 694 bytes. */
static const char user_json[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],"
    "\"id\":\"405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99\","
    "\"userName\":\"test.user@okta.local\","
    "\"name\":{\"givenName\":\"Test\",\"familyName\":\"User\","
    "\"formatted\":\"Test User\"},"
    "\"displayName\":\"Test User\","
    "\"externalId\":\"23123123\","
    "\"emails\":[{\"value\":\"test.user@okta.local\",\"type\":\"work\","
    "\"primary\":true}],"
    "\"locale\":\"en-US\","
    "\"timezone\":\"America/Los_Angeles\","
    "\"active\":true,"
    "\"groups\":[],"
    "\"meta\":{\"resourceType\":\"User\","
    "\"created\":\"2021-02-22T04:24:13.000Z\","
    "\"lastModified\":\"2021-02-22T04:24:13.000Z\","
    "\"location\":\"http://127.0.0.1:8080/scim/v2/Users/"
    "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99\","
    "\"version\":\"W/\\\"405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99\\\"\"}}";

/* Address of the first handler call for a request, stored in *request_state
 * to mark that the request has started. */
static int request_started;

static enum MHD_Result handle_request(void *context,
                                      struct MHD_Connection *connection,
                                      const char *url, const char *method,
                                      const char *version,
                                      const char *upload_data,
                                      size_t *upload_data_size,
                                      void **request_state) {
    (void)context;
    (void)url;
    (void)version;
    (void)upload_data;

    /* libmicrohttpd calls the handler once when the headers arrive, once per
     * chunk of body, and once more with no data. Only that last call queues the
     * response. */
    if (*request_state == NULL) {
        *request_state = &request_started;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }

    struct MHD_Response *response = MHD_create_response_from_buffer(
        sizeof(user_json) - 1, (void *)user_json, MHD_RESPMEM_PERSISTENT);
    if (response == NULL) {
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/scim+json");
    unsigned int status =
        strcmp(method, MHD_HTTP_METHOD_POST) == 0 ? MHD_HTTP_CREATED : MHD_HTTP_OK;
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    char *end = NULL;
    long port = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "ceiling: invalid port %s: expected 1 to 65535\n", argv[1]);
        return 2;
    }

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) {
        cores = 1;
    }

    struct sockaddr_in address;
    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* Block SIGTERM and SIGINT before the pool threads start, so that they
     * inherit the mask and sigwait below receives the signal. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

    unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cores,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)511,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "ceiling: failed to start libmicrohttpd on 127.0.0.1:%ld\n", port);
        return 1;
    }
    printf("ceiling listening on 127.0.0.1:%ld with %ld threads, body %zu bytes\n",
           port, cores, sizeof(user_json) - 1);
    fflush(stdout);

    int received = 0;
    sigwait(&stop_signals, &received);
    MHD_stop_daemon(daemon);
    return 0;
}
