import Foundation

/// The state a `nextCursor` (RFC 9865 §2) carries from one page to the next, and its text form.
///
/// A cursor keeps no server state. It names the position of the last resource served, so every node
/// that shares the database can continue the listing. Its text is base64url without padding (only
/// RFC 3986 unreserved characters) over a binary form that ends in a checksum. The checksum catches
/// truncated or altered cursors. It is not a signature, because nodes share no secret: a client can
/// build a cursor by hand, but the service still scopes every page to the caller's team and query,
/// so a made-up cursor reaches nothing a filter could not.
package struct ListingCursor: Sendable, Equatable {
    /// The endpoint a cursor belongs to.
    package enum Resource: UInt8, Sendable {
        case users = 1
        case groups = 2
    }

    package var resource: Resource
    package var teamID: Int64
    /// The ``fingerprint(of:)`` of the query's filter and order.
    package var fingerprint: UInt64
    /// Milliseconds since 1970 at which the server issued the cursor.
    package var issuedAt: Int64
    /// The last resource served, or nil to start from the first.
    package var position: ListingPosition?

    package init(
        resource: Resource, teamID: Int64, fingerprint: UInt64, issuedAt: Int64, position: ListingPosition?
    ) {
        self.resource = resource
        self.teamID = teamID
        self.fingerprint = fingerprint
        self.issuedAt = issuedAt
        self.position = position
    }

    /// The format version in the first byte; a cursor of another version is rejected.
    static let formatVersion: UInt8 = 1

    /// Returns the cursor as URL-safe text.
    package var text: String {
        var writer = ByteWriter()
        writer.bytes.append(Self.formatVersion)
        writer.bytes.append(resource.rawValue)
        writer.append(teamID)
        writer.append(fingerprint)
        writer.append(issuedAt)
        writer.append(position)
        writer.append(StableHash.fnv1a(writer.bytes))
        return Base64URL.encode(writer.bytes)
    }

    /// Parses a cursor's text, or returns nil when it is not a cursor this format produced intact.
    package init?(text: String) {
        // Only the canonical text of the bytes counts, so no two texts name one cursor.
        guard let bytes = Base64URL.decode(text), bytes.count > 8, Base64URL.encode(bytes) == text else { return nil }
        let body = Array(bytes.dropLast(8))
        var reader = ByteReader(bytes: bytes)
        reader.offset = body.count
        guard reader.int64().map(UInt64.init(bitPattern:)) == StableHash.fnv1a(body) else { return nil }

        reader = ByteReader(bytes: body)
        guard reader.byte() == Self.formatVersion, let resource = reader.byte().flatMap(Resource.init(rawValue:)),
            let teamID = reader.int64(), let fingerprint = reader.int64(), let issuedAt = reader.int64(),
            let position = reader.position(), reader.isAtEnd
        else { return nil }
        self.init(
            resource: resource, teamID: teamID, fingerprint: UInt64(bitPattern: fingerprint), issuedAt: issuedAt,
            position: position)
    }

    /// Returns a digest of what a cursor must not outlive: the filter, `sortBy` and `sortOrder`.
    /// Attribute names count without regard to case, as RFC 7643 §2.1 has them; values count exactly.
    package static func fingerprint(of listing: ResourceListing) -> UInt64 {
        var writer = ByteWriter()
        writer.append(text: listing.filter.map(canonicalText) ?? "")
        writer.append(text: listing.sortBy.map { $0.description.lowercased() } ?? "")
        writer.bytes.append(listing.descending ? 1 : 0)
        return StableHash.fnv1a(writer.bytes)
    }

    private static func canonicalText(_ filter: Filter) -> String {
        switch filter {
        case .and(let left, let right): "(and \(canonicalText(left)) \(canonicalText(right)))"
        case .or(let left, let right): "(or \(canonicalText(left)) \(canonicalText(right)))"
        case .not(let inner): "(not \(canonicalText(inner)))"
        case .valuePath(let path, let inner): "(\(path.description.lowercased())[\(canonicalText(inner))])"
        case .comparison(let path, let op, let value):
            "(\(op.rawValue) \(path.description.lowercased()) \(value.map(canonicalText) ?? "-"))"
        }
    }

    private static func canonicalText(_ value: FilterValue) -> String {
        switch value {
        case .string(let text): "s\(text.utf8.count):\(text)"
        case .integer(let number): "i\(number)"
        case .decimal(let number): "d\(number.bitPattern)"
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        }
    }
}

/// FNV-1a over 64 bits: the same on every node and process, unlike Swift's seeded `Hasher`. It
/// detects accidents, not attacks.
enum StableHash {
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// Base64 with the URL-safe alphabet of RFC 4648 §5 and no padding.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}

/// Big-endian fields for ``ListingCursor``.
private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append(_ value: Int64) {
        append(UInt64(bitPattern: value))
    }

    mutating func append(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    mutating func append(text: String) {
        append(Int64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes a tag byte, then the sort key's value, then the sequence number.
    mutating func append(_ position: ListingPosition?) {
        guard let position else {
            bytes.append(0)
            return
        }
        switch position.sortKey {
        case nil: bytes.append(1)
        case .missing?: bytes.append(2)
        case .string(let text)?:
            bytes.append(3)
            append(text: text)
        case .integer(let number)?:
            bytes.append(4)
            append(number)
        case .decimal(let number)?:
            bytes.append(5)
            append(number.bitPattern)
        case .bool(let flag)?:
            bytes.append(flag ? 7 : 6)
        }
        append(position.seq)
    }
}

/// Reads what ``ByteWriter`` wrote; every read returns nil past the end.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func int64() -> Int64? {
        guard bytes.count - offset >= 8 else { return nil }
        var value: UInt64 = 0
        for next in bytes[offset..<offset + 8] { value = value << 8 | UInt64(next) }
        offset += 8
        return Int64(bitPattern: value)
    }

    mutating func text() -> String? {
        guard let length = int64(), length >= 0, bytes.count - offset >= length else { return nil }
        defer { offset += Int(length) }
        return String(validating: bytes[offset..<offset + Int(length)], as: UTF8.self)
    }

    /// Reads a position: `.some(nil)` for "from the start", nil for bytes that are no position.
    mutating func position() -> ListingPosition?? {
        guard let tag = byte() else { return nil }
        let sortKey: ListingSortKey?
        switch tag {
        case 0: return .some(nil)
        case 1: sortKey = nil
        case 2: sortKey = .missing
        case 3:
            guard let text = text() else { return nil }
            sortKey = .string(text)
        case 4:
            guard let number = int64() else { return nil }
            sortKey = .integer(number)
        case 5:
            guard let bits = int64() else { return nil }
            sortKey = .decimal(Double(bitPattern: UInt64(bitPattern: bits)))
        case 6, 7: sortKey = .bool(tag == 7)
        default: return nil
        }
        guard let seq = int64() else { return nil }
        return .some(ListingPosition(sortKey: sortKey, seq: seq))
    }
}
