/// A small HTTP/1.1 client for one server on 127.0.0.1 that keeps its connection alive.
///
/// ``send(_:)`` reuses the connection while the server keeps it open. ``sendRaw(_:)`` writes
/// bytes exactly as given on a new connection, for requests that no well-behaved client would send.
package final class HTTPClient {
    package let port: Int
    private var connection: HTTPConnection?

    package init(port: Int) {
        self.port = port
    }

    /// Sends `request` and reads its response.
    ///
    /// When the exchange fails on a reused connection (for example because the server closed it while
    /// idle), the request is sent again once on a new connection.
    package func send(_ request: HTTPClientRequest) throws -> HTTPClientResponse {
        let bytes = request.serialized(port: port)
        if let connection, !connection.isClosedByServer {
            if let response = try? exchange(bytes, on: connection) {
                return response
            }
            self.connection = nil
        }
        let fresh = try HTTPConnection(port: port)
        connection = fresh
        return try exchange(bytes, on: fresh)
    }

    /// Writes `bytes` on a new connection and reads one response; the connection is then closed.
    package func sendRaw(_ bytes: [UInt8]) throws -> HTTPClientResponse {
        let connection = try HTTPConnection(port: port)
        try connection.write(bytes)
        return try connection.readResponse()
    }

    /// Sends a request with an optional `Authorization: Bearer KEY` and JSON body.
    package func send(_ method: String, _ target: String, key: String?, json: String? = nil) throws
        -> HTTPClientResponse
    {
        try send(HTTPClientRequest(method, target, key: key, json: json))
    }

    /// Sends `GET target` with `Authorization: Bearer KEY`.
    package func get(_ target: String, key: String?) throws -> HTTPClientResponse {
        try send("GET", target, key: key)
    }

    /// Sends `POST target` with `Authorization: Bearer KEY` and a JSON body.
    package func post(_ target: String, key: String?, json: String) throws -> HTTPClientResponse {
        try send("POST", target, key: key, json: json)
    }

    /// Sends `PUT target` with `Authorization: Bearer KEY` and a JSON body.
    package func put(_ target: String, key: String?, json: String) throws -> HTTPClientResponse {
        try send("PUT", target, key: key, json: json)
    }

    /// Sends `PATCH target` with `Authorization: Bearer KEY` and a JSON body.
    package func patch(_ target: String, key: String?, json: String) throws -> HTTPClientResponse {
        try send("PATCH", target, key: key, json: json)
    }

    private func exchange(_ bytes: [UInt8], on connection: HTTPConnection) throws -> HTTPClientResponse {
        try connection.write(bytes)
        let response = try connection.readResponse()
        if response.header("Connection")?.lowercased() == "close" {
            self.connection = nil
        }
        return response
    }
}
