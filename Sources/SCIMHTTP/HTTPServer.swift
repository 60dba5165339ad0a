import CMicroHTTPD
import Glibc
package import SCIMCore
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd that passes each complete request to an ``HTTPHandler``.
///
/// Handlers run synchronously on libmicrohttpd's worker threads, one request per thread at a time.
/// Keep-alive and pipelining follow libmicrohttpd's defaults. A started server keeps itself alive
/// until ``shutdown(gracePeriodSeconds:)`` has returned, so call it before dropping the server.
package final class HTTPServer: Sendable {
    let configuration: Configuration
    let handler: any HTTPHandler
    let logger: Logger
    /// The daemon handle and the server's own retain. Start and shutdown hold this lock throughout.
    private let lifecycle = Mutex(Lifecycle.idle)
    /// Shared by all worker threads: requests started and not yet completed, and whether shutdown began.
    let requests = Mutex(RequestTally())
    /// The latest message libmicrohttpd logged, so that a failed start can report its reason.
    let lastDaemonMessage = Mutex<String?>(nil)
    /// The threads that run requests which may block on storage, or nil when the worker threads run them.
    let blockingPool: BlockingWorkPool?

    /// Creates a server that is not yet listening. ``start()`` binds the socket.
    package init(configuration: Configuration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.blockingPool =
            configuration.blockingThreadCount > 0
            ? BlockingWorkPool(threadCount: configuration.blockingThreadCount, label: "scimd-blocking") : nil
    }

    deinit {
        blockingPool?.stop()
    }

    /// Number of requests whose first line has arrived and whose completion has not been reported.
    package var requestsInFlight: Int {
        requests.withLock { $0.inFlight }
    }

    /// Binds the socket, starts the worker threads and returns the address really listened on.
    ///
    /// With port 0 the returned port is the one the kernel picked.
    /// - Throws: ``HTTPServerError``. Each failure is also logged at error level with its reason.
    package func start() throws(HTTPServerError) -> (host: String, port: Int) {
        try lifecycle.withLock { state throws(HTTPServerError) in
            guard case .idle = state else { throw .alreadyStarted }
            do throws(HTTPServerError) {
                let port = try startDaemon(into: &state)
                return (configuration.host, port)
            } catch {
                logger.error(
                    "HTTP server failed to start",
                    ["error": error.description, "net.host": configuration.host, "net.port": "\(configuration.port)"]
                )
                throw error
            }
        }
    }

    /// Stops accepting connections, waits up to `gracePeriodSeconds` for requests in flight, then stops
    /// the worker threads and closes every connection.
    ///
    /// Calling it again, or on a server never started, does nothing. A concurrent second call returns
    /// once the first has finished. Must not be called from a handler, because stopping the daemon
    /// joins the worker thread the handler runs on.
    package func shutdown(gracePeriodSeconds: Double) {
        lifecycle.withLock { state in
            guard case .running(let daemon, let retainedSelf) = state else { return }
            requests.withLock { $0.draining = true }

            let listenSocket = stopAccepting(daemon)
            waitForRequestsInFlight(upTo: gracePeriodSeconds)
            // A job still running would resume its connection after MHD_stop_daemon freed it.
            blockingPool?.waitUntilIdle()

            MHD_stop_daemon(daemon)
            if listenSocket != MHD_INVALID_SOCKET {
                close(listenSocket)
            }
            retainedSelf.release()
            state = .stopped
        }
    }

    /// Starts the daemon, records it in `state` and returns the bound port.
    private func startDaemon(into state: inout Lifecycle) throws(HTTPServerError) -> Int {
        var flags = try daemonFlags()
        var address = try ListenAddress(host: configuration.host, port: configuration.port)
        if address.isIPv6 {
            flags |= MHD_USE_IPv6.rawValue
        }
        lastDaemonMessage.withLock { $0 = nil }

        let retainedSelf = Unmanaged.passRetained(self)
        let handle = address.withSocketAddress { socketAddress in
            var options = daemonOptions(flags: flags, address: socketAddress, context: retainedSelf.toOpaque())
            return scimd_start_daemon(&options)
        }
        guard let handle else {
            retainedSelf.release()
            let reason = lastDaemonMessage.withLock { $0 } ?? "libmicrohttpd gave no reason"
            throw .startFailed(reason: reason)
        }

        let port = Int(scimd_daemon_bind_port(handle))
        guard port != 0 else {
            MHD_stop_daemon(handle)
            retainedSelf.release()
            throw .startFailed(reason: "libmicrohttpd did not report the bound port")
        }
        state = .running(handle, retainedSelf)
        return port
    }

    /// Checks the configuration and returns the daemon flags for it.
    private func daemonFlags() throws(HTTPServerError) -> UInt32 {
        let limits: [(name: String, value: Int, minimum: Int)] = [
            ("threadCount", configuration.threadCount, 1),
            ("maxBodyBytes", configuration.maxBodyBytes, 0),
            ("connectionTimeoutSeconds", configuration.connectionTimeoutSeconds, 0),
            ("connectionLimit", configuration.connectionLimit, 1),
            ("listenBacklog", configuration.listenBacklog, 1),
            ("connectionMemoryLimit", configuration.connectionMemoryLimit, 4096),
            ("blockingThreadCount", configuration.blockingThreadCount, 0),
        ]
        for limit in limits where limit.value < limit.minimum || limit.value > Int(UInt32.max) {
            throw .invalidConfiguration("\(limit.name) is \(limit.value), expected \(limit.minimum) or more")
        }
        guard (0...65535).contains(configuration.port) else {
            throw .invalidConfiguration("port is \(configuration.port), expected 0 to 65535")
        }
        let flags = MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_USE_ERROR_LOG.rawValue | MHD_USE_ITC.rawValue
        return blockingPool == nil ? flags : flags | MHD_ALLOW_SUSPEND_RESUME.rawValue
    }

    /// Quiesces the daemon and makes the kernel reject new connections. Returns the listen socket,
    /// which may be closed only after `MHD_stop_daemon`.
    private func stopAccepting(_ daemon: OpaquePointer) -> MHD_socket {
        let listenSocket = MHD_quiesce_daemon(daemon)
        guard listenSocket != MHD_INVALID_SOCKET else {
            logger.error("HTTP server could not stop accepting connections; stopping without a grace period")
            return listenSocket
        }
        // Shutting down the read side takes a Linux socket out of the LISTEN state while the
        // descriptor stays open, so new connection attempts are refused instead of queued unanswered.
        if Glibc.shutdown(listenSocket, Int32(SHUT_RD)) != 0 {
            logger.warning("HTTP server could not close its listen queue", ["error.errno": "\(errno)"])
        }
        return listenSocket
    }

    /// Polls the in-flight count until it reaches zero or the grace period ends.
    // NOTE: libmicrohttpd 0.9.75 in epoll mode can miss a client close that arrives together with
    // the last bytes of an incomplete request. That request stays in flight until the connection
    // timeout, so shutdown may wait the whole grace period for it.
    private func waitForRequestsInFlight(upTo gracePeriodSeconds: Double) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int(max(0, gracePeriodSeconds) * 1000)))
        while requestsInFlight > 0, clock.now < deadline {
            usleep(2_000)
        }

        let remaining = requestsInFlight
        if remaining > 0 {
            logger.warning("HTTP server grace period ended with requests in flight", ["http.in_flight": "\(remaining)"])
        }
    }
}

extension HTTPServer {
    /// Lifecycle stage of a server, which starts at most once and stops at most once.
    enum Lifecycle {
        case idle
        // The server retains itself while the daemon runs, because every callback receives it
        // as an unretained pointer.
        case running(OpaquePointer, Unmanaged<HTTPServer>)
        case stopped
    }

    /// Counters shared by the worker threads.
    struct RequestTally {
        var inFlight = 0
        var draining = false
    }
}
