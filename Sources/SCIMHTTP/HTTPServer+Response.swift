import CMicroHTTPD
import Glibc
import SCIMCore
import Synchronization

extension HTTPServer {
    /// Returns the request's header fields in arrival order, names as sent.
    func requestHeaders(of connection: OpaquePointer) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        let count = withUnsafeMutablePointer(to: &headers) { list in
            MHD_get_connection_values_n(
                connection,
                .HEADER_KIND,
                { list, _, name, nameCount, value, valueCount in
                    guard let list, let name else { return .YES }
                    let field = (name: decodeText(name, count: nameCount), value: decodeText(value, count: valueCount))
                    list.assumingMemoryBound(to: [(name: String, value: String)].self).pointee.append(field)
                    return .YES
                },
                list
            )
        }
        if count < 0 {
            logger.error("libmicrohttpd could not list the request headers")
        }
        return headers
    }

    /// Returns the `Content-Length` the client announced, or nil when absent or not a number.
    func announcedContentLength(of connection: OpaquePointer) -> UInt64? {
        guard let value = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length") else {
            return nil
        }
        return UInt64(String(cString: value))
    }

    /// Queues `response` on `connection`. Returns `.NO`, which makes libmicrohttpd close the connection,
    /// when the response cannot be created or queued.
    func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        guard let message = makeResponse(body: response.body) else {
            logger.error("HTTP response could not be created", ["http.status": "\(response.status)"])
            return .NO
        }
        defer { MHD_destroy_response(message) }

        for header in response.headers where MHD_add_response_header(message, header.name, header.value) != .YES {
            logger.error("HTTP response header rejected by libmicrohttpd", ["http.header": header.name])
        }
        if requests.withLock({ $0.draining }) {
            // Asks keep-alive clients to reconnect elsewhere while the server drains.
            _ = MHD_add_response_header(message, "Connection", "close")
        }

        let result = MHD_queue_response(connection, UInt32(clamping: response.status), message)
        if result != .YES {
            logger.error("HTTP response could not be queued", ["http.status": "\(response.status)"])
        }
        return result
    }

    /// Creates a libmicrohttpd response over a copy of `body` that libmicrohttpd frees with `free`.
    private func makeResponse(body: [UInt8]) -> OpaquePointer? {
        guard !body.isEmpty else {
            return MHD_create_response_from_buffer(0, nil, .RESPMEM_PERSISTENT)
        }
        guard let copy = malloc(body.count) else { return nil }
        UnsafeMutableRawBufferPointer(start: copy, count: body.count).copyBytes(from: body)

        guard let message = MHD_create_response_from_buffer_with_free_callback(body.count, copy, free) else {
            free(copy)
            return nil
        }
        return message
    }
}

/// Decodes a header name or value. Bytes that are not UTF-8 become U+FFFD.
private func decodeText(_ text: UnsafePointer<CChar>?, count: Int) -> String {
    guard let text else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self)
}
