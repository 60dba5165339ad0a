import Foundation

/// Recognises PostgreSQL database URLs and hides their passwords.
package enum PostgresLocation {
    /// Returns whether `location` is a `postgres://` or `postgresql://` URL rather than a file path.
    package static func isPostgresURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Returns `location` with the password of its user information replaced by `***`, for logs and messages.
    ///
    /// A password given as a `password=` query parameter is hidden the same way.
    package static func redacted(_ location: String) -> String {
        guard let schemeEnd = location.range(of: "://") else { return location }
        var text = location
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex { $0 == "/" || $0 == "?" } ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@"),
            let colon = text[authorityStart..<at].firstIndex(of: ":")
        {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        guard let passwordRange = text.range(of: "password=") else { return text }
        let valueEnd = text[passwordRange.upperBound...].firstIndex(of: "&") ?? text.endIndex
        text.replaceSubrange(passwordRange.upperBound..<valueEnd, with: "***")
        return text
    }
}
