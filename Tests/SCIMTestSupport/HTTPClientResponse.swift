import Foundation
import SCIMCore

/// A response as read from the wire: status, header fields in order, and the decoded body.
package struct HTTPClientResponse: Sendable, CustomStringConvertible {
    package var status: Int
    package var reason: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// Parses a response head (status line and header fields, without the blank line).
    init(head: [UInt8]) throws {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw TestSetupError("invalid status line \(lines[0].debugDescription)")
        }
        self.status = status
        reason = statusParts.count > 2 ? String(statusParts[2]) : ""
        headers = try lines.dropFirst().map { line in
            guard let colon = line.firstIndex(of: ":") else {
                throw TestSetupError("invalid header line \(line.debugDescription)")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return (String(line[..<colon]), value)
        }
        body = []
    }

    /// Returns the value of the first header field named `name`, compared without case.
    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Returns the values of every header field named `name`, compared without case.
    package func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body decoded as UTF-8, with invalid bytes replaced.
    package var text: String {
        String(decoding: body, as: UTF8.self)
    }

    /// Parses the body as JSON; a body that is not JSON gives a missing node.
    package var json: JSONNode {
        JSONNode(try? JSONParser.parse(body))
    }

    /// Whether the body parses as JSON.
    package var hasJSONBody: Bool {
        (try? JSONParser.parse(body)) != nil
    }

    package var description: String {
        let shown = body.count > 2_000 ? String(text.prefix(2_000)) + "… (\(body.count) bytes)" : text
        return "\(status) \(reason) \(headers.map { "\($0.name): \($0.value)" }) \(shown)"
    }
}
