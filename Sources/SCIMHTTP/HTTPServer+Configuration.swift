import Foundation

extension HTTPServer {
    /// Listening address, limits and libmicrohttpd tuning for one ``HTTPServer``.
    package struct Configuration: Sendable {
        /// IPv4 or IPv6 address (or a host name resolved once at start) to listen on.
        package var host: String
        /// TCP port to listen on. 0 lets the kernel pick a free port, which `start()` returns.
        package var port: Int
        /// Number of libmicrohttpd worker threads, each with its own epoll loop. Handlers run on them.
        package var threadCount: Int
        /// Largest request body passed to the handler. Larger bodies get `HTTPHandler.bodyTooLarge`.
        package var maxBodyBytes: Int
        /// Seconds of inactivity after which libmicrohttpd closes a connection.
        package var connectionTimeoutSeconds: Int
        /// Maximum number of open client connections, shared across the worker threads.
        package var connectionLimit: Int
        /// Length of the kernel's queue of connections not yet accepted.
        package var listenBacklog: Int
        /// Bytes of libmicrohttpd's per-connection memory pool, which holds the read buffer, the
        /// request line, the request headers and the response headers.
        ///
        /// A request line or header block that does not fit gets libmicrohttpd's own 414 or 431
        /// response, with an HTML body, and never reaches the handler. The default of 128 KiB lets a
        /// 100 KB request target with up to 30 KB of headers through. libmicrohttpd 0.9.75 zeroes the
        /// whole pool before each further request on a keep-alive connection, so every open connection
        /// keeps about this many bytes resident, and small requests get slower as the pool grows.
        package var connectionMemoryLimit: Int
        /// Threads that run every request other than GET and HEAD, whose durable commit waits for the
        /// disk, so that the worker threads go on serving meanwhile. 0 runs them on the worker threads.
        ///
        /// The default of 32 lets 32 writes wait for the same group commit, which is what a client
        /// with 32 connections sends at most. The threads sleep while they wait, so they cost little
        /// CPU and, since each touches only a little of its stack, little memory.
        package var blockingThreadCount: Int

        package init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
            maxBodyBytes: Int = 1 << 20,
            connectionTimeoutSeconds: Int = 30,
            connectionLimit: Int = 1000,
            listenBacklog: Int = 511,
            connectionMemoryLimit: Int = 128 << 10,
            blockingThreadCount: Int = 32
        ) {
            self.host = host
            self.port = port
            self.threadCount = threadCount
            self.maxBodyBytes = maxBodyBytes
            self.connectionTimeoutSeconds = connectionTimeoutSeconds
            self.connectionLimit = connectionLimit
            self.listenBacklog = listenBacklog
            self.connectionMemoryLimit = connectionMemoryLimit
            self.blockingThreadCount = blockingThreadCount
        }
    }
}
