/// One HTTP request as received, with its whole body.
package struct HTTPRequest: Sendable {
    package var method: String
    /// The request target exactly as sent: path and optional `?query`, not percent-decoded.
    package var target: String
    /// Header fields in arrival order; names as sent.
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// Returns the value of the first header whose name matches without regard to case.
    package func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }
}

/// One HTTP response.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Turns requests into responses. Called on the server's worker threads, so it must be thread-safe.
package protocol HTTPHandler: Sendable {
    /// Returns the response to a complete request.
    func handle(_ request: HTTPRequest) -> HTTPResponse

    /// Returns the response to a request whose body passed `limit` bytes; `request.body` is empty.
    func bodyTooLarge(_ request: HTTPRequest, limit: Int) -> HTTPResponse
}

extension String {
    /// Compares two ASCII header names without regard to case.
    package func caseInsensitiveEquals(_ other: String) -> Bool {
        let lhs = utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { ($0 | 0x20) == ($1 | 0x20) }
    }
}
