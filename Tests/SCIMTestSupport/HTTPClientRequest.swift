/// A request to serialise as HTTP/1.1. Header fields are sent in order, exactly as given.
package struct HTTPClientRequest: Sendable {
    package var method: String
    /// The request target exactly as sent, for example `/scim/v2/Users?filter=...`.
    package var target: String
    package var headers: [(name: String, value: String)]
    /// The body bytes, or nil for a request without a body (and without `Content-Length`).
    package var body: [UInt8]?

    package init(
        _ method: String,
        _ target: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// Creates a request whose body is the UTF-8 of `json`, sent as `application/scim+json`.
    package init(_ method: String, _ target: String, key: String?, json: String?) {
        var headers: [(name: String, value: String)] = []
        if let key {
            headers.append(("Authorization", "Bearer \(key)"))
        }
        if json != nil {
            headers.append(("Content-Type", "application/scim+json; charset=utf-8"))
        }
        self.init(method, target, headers: headers, body: json.map { Array($0.utf8) })
    }

    /// Returns the bytes to send to `127.0.0.1:port`.
    ///
    /// `Host` is added unless present, and `Content-Length` when a body is set and neither
    /// `Content-Length` nor `Transfer-Encoding` is present.
    package func serialized(port: Int) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        if !hasHeader("Host") {
            head += "Host: 127.0.0.1:\(port)\r\n"
        }
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if let body, !hasHeader("Content-Length"), !hasHeader("Transfer-Encoding") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }

    private func hasHeader(_ name: String) -> Bool {
        headers.contains { $0.name.lowercased() == name.lowercased() }
    }
}
