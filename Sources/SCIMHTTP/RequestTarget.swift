import SCIMCore

/// A request target split into a decoded path and decoded query parameters.
///
/// Percent-escapes are decoded exactly once; in the query `+` also stands for a space, as HTML form
/// encoding and most HTTP clients have it. A broken escape is an error, never passed through.
struct RequestTarget: Sendable {
    /// The path's non-empty segments, decoded; repeated and trailing slashes carry no meaning.
    var segments: [String]
    /// The path as sent, without the query, for the log.
    var rawPath: String
    var query: [(name: String, value: String)]

    /// Splits and decodes `target`.
    /// - Throws: `invalidSyntax` for a byte outside printable ASCII, a broken percent-escape or a decoded
    ///   byte sequence that is not UTF-8.
    init(_ target: String) throws(SCIMError) {
        // RFC 3986 allows only ASCII in a request target; anything else must arrive percent-encoded.
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidSyntax("The request target must be ASCII, with other bytes percent-encoded.")
        }
        // The target is ASCII, so splitting its UTF-8 bytes is exact and spares Character iteration.
        let queryStart = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        rawPath = String(target[..<(queryStart ?? target.endIndex)])
        var segments: [String] = []
        for segment in rawPath.utf8.split(separator: UInt8(ascii: "/")) {
            guard let decoded = Self.percentDecode(Substring(segment), plusIsSpace: false) else {
                throw .invalidSyntax("The request path is not valid percent-encoded UTF-8.")
            }
            segments.append(decoded)
        }
        self.segments = segments
        query = []
        guard let queryStart else { return }
        let queryText = target[target.utf8.index(after: queryStart)...]
        for pair in queryText.utf8.split(separator: UInt8(ascii: "&")) {
            let nameEnd = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let valueStart = nameEnd == pair.endIndex ? nameEnd : pair.index(after: nameEnd)
            guard let name = Self.percentDecode(Substring(pair[..<nameEnd]), plusIsSpace: true),
                let value = Self.percentDecode(Substring(pair[valueStart...]), plusIsSpace: true)
            else {
                throw .invalidSyntax("The query string is not valid percent-encoded UTF-8.")
            }
            query.append((name, value))
        }
    }

    /// Returns the first value of a query parameter, whose name matches without regard to case.
    func parameter(_ name: String) -> String? {
        query.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    private static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexDigitValue),
                    let low = iterator.next().flatMap(hexDigitValue)
                else { return nil }
                bytes.append(UInt8(high << 4 | low))
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(0x20)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
