/// A reason ``HTTPServer/start()`` failed.
package enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// The server was started before, and a server starts at most once.
    case alreadyStarted
    /// A configuration value is out of range. The message names it.
    case invalidConfiguration(String)
    /// The host could not be resolved to an IPv4 or IPv6 address.
    case invalidHost(String)
    /// libmicrohttpd did not start, for example because the port is taken. `reason` is its message.
    case startFailed(reason: String)

    package var description: String {
        switch self {
        case .alreadyStarted:
            "HTTP server was already started"
        case .invalidConfiguration(let message):
            "invalid HTTP server configuration: \(message)"
        case .invalidHost(let host):
            "invalid listen host \(host): not an IPv4 or IPv6 address or resolvable name"
        case .startFailed(let reason):
            "HTTP server failed to start: \(reason)"
        }
    }
}
