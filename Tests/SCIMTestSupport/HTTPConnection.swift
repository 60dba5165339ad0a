import Foundation
import Glibc

/// One TCP connection to 127.0.0.1 that writes raw bytes and reads HTTP/1.1 responses.
///
/// Reads and writes time out after `timeoutSeconds`, so a server that stops responding fails the
/// test instead of hanging it.
package final class HTTPConnection {
    private let descriptor: Int32
    private var received: [UInt8] = []
    private var reachedEndOfFile = false

    /// Connects to `127.0.0.1:port`.
    package init(port: Int, timeoutSeconds: Int = 20) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSetupError("socket() failed: errno \(errno)") }
        self.descriptor = descriptor

        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        let timeoutSize = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, timeoutSize)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, timeoutSize)

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw TestSetupError("connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Writes `bytes` in 64 KiB pieces and returns the number written.
    ///
    /// Writing stops early, without an error, when the server has already sent something back (for
    /// example a 413 before reading the whole body) or has closed its side; read the response next.
    @discardableResult
    package func write(_ bytes: [UInt8]) throws -> Int {
        var offset = 0
        while offset < bytes.count {
            if offset > 0, hasDataToRead() { return offset }
            let length = min(65_536, bytes.count - offset)
            let written = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress! + offset, length, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EPIPE || code == ECONNRESET { return offset }
                throw TestSetupError("send failed after \(offset) of \(bytes.count) bytes: errno \(code)")
            }
            offset += written
        }
        return offset
    }

    /// Reads one complete response; a `100 Continue` before it is skipped.
    package func readResponse() throws -> HTTPClientResponse {
        while true {
            let head = try readHead()
            let response = try HTTPClientResponse(head: head)
            if response.status == 100 { continue }
            return try readBody(of: response)
        }
    }

    /// Whether the server closed its side and nothing more is buffered.
    package var isClosedByServer: Bool {
        received.isEmpty && reachedEndOfFile
    }

    private func readBody(of head: HTTPClientResponse) throws -> HTTPClientResponse {
        var response = head
        if response.status == 204 || response.status == 304 || (100..<200).contains(response.status) {
            return response
        }
        if let encoding = response.header("Transfer-Encoding"), encoding.lowercased().contains("chunked") {
            response.body = try readChunkedBody()
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                throw TestSetupError("invalid Content-Length \(lengthText.debugDescription)")
            }
            response.body = try readExactly(length)
        } else {
            response.body = try readToEndOfFile()
        }
        return response
    }

    private func readHead() throws -> [UInt8] {
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            if let end = firstIndex(of: separator) {
                let head = Array(received[..<end])
                received.removeFirst(end + separator.count)
                return head
            }
            guard try fill() else {
                throw TestSetupError("connection closed before a complete response head; got \(received.count) bytes")
            }
        }
    }

    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            let sizeText = sizeLine.split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw TestSetupError("invalid chunk size line \(sizeLine.debugDescription)")
            }
            if size == 0 {
                while try !readLine().isEmpty {}
                return body
            }
            body += try readExactly(size)
            guard try readLine().isEmpty else { throw TestSetupError("chunk not followed by CRLF") }
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = firstIndex(of: [13, 10]) {
                let line = String(decoding: received[..<end], as: UTF8.self)
                received.removeFirst(end + 2)
                return line
            }
            guard try fill() else { throw TestSetupError("connection closed inside a chunked body") }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while received.count < count {
            guard try fill() else {
                throw TestSetupError("connection closed after \(received.count) of \(count) body bytes")
            }
        }
        let bytes = Array(received[..<count])
        received.removeFirst(count)
        return bytes
    }

    private func readToEndOfFile() throws -> [UInt8] {
        while try fill() {}
        let bytes = received
        received = []
        return bytes
    }

    /// Reads more bytes into `received`; returns false at end of file.
    private func fill() throws -> Bool {
        guard !reachedEndOfFile else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[0..<count]
                return true
            }
            if count == 0 {
                reachedEndOfFile = true
                return false
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { throw TestSetupError("timed out waiting for the response") }
            throw TestSetupError("recv failed: errno \(code)")
        }
    }

    private func hasDataToRead() -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) > 0
    }

    private func firstIndex(of pattern: [UInt8]) -> Int? {
        guard received.count >= pattern.count else { return nil }
        for start in 0...(received.count - pattern.count)
        where received[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start
        }
        return nil
    }
}
