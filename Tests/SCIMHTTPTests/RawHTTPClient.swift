import Glibc

/// A minimal HTTP/1.1 client over a blocking socket, so tests control every byte on the wire.
final class RawHTTPClient {
    /// One response as read from the socket.
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct SocketError: Error, CustomStringConvertible {
        var operation: String
        var code: Int32

        var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
    }

    private let socket: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1 at `port`. Reads time out after `timeoutSeconds`.
    init(port: Int, timeoutSeconds: Int = 5) throws(SocketError) {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw SocketError(operation: "socket", code: errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: the instance is fully initialised, so deinit closes the socket after the throw.
        guard result == 0 else { throw SocketError(operation: "connect", code: errno) }
    }

    deinit {
        close(socket)
    }

    /// Returns the errno of a failed connection attempt to `port`, or nil when it connects.
    static func connectionError(port: Int) -> Int32? {
        do {
            _ = try RawHTTPClient(port: port)
            return nil
        } catch {
            return error.code
        }
    }

    func send(_ text: String) throws(SocketError) {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw SocketError(operation: "send", code: errno) }
            offset += sent
        }
    }

    /// Reads one response with a `Content-Length` body and keeps later bytes for the next call.
    func readResponse() throws(SocketError) -> Response {
        var headerEnd = pending.firstRange(of: Array("\r\n\r\n".utf8))
        while headerEnd == nil {
            try receiveMore()
            headerEnd = pending.firstRange(of: Array("\r\n\r\n".utf8))
        }
        guard let headerEnd else { throw SocketError(operation: "parse", code: EPROTO) }

        let head = String(decoding: pending[..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw SocketError(operation: "parse", code: EPROTO)
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            return (String(line[..<colon]), String(value))
        }

        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        pending.removeSubrange(..<headerEnd.upperBound)
        while pending.count < length {
            try receiveMore()
        }
        let body = Array(pending[..<length])
        pending.removeSubrange(..<length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Returns true when the server has closed the connection (after any unread bytes).
    func isClosedByServer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func receiveMore() throws(SocketError) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw SocketError(operation: "recv", code: count == 0 ? ECONNRESET : errno) }
        pending.append(contentsOf: buffer[..<count])
    }
}
