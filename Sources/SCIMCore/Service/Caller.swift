/// The authenticated sender of a request: a team and the admin whose key it carries.
package struct Caller: Sendable, Equatable {
    package var team: TeamRecord
    package var adminUserID: String
    package var keyID: String

    package init(team: TeamRecord, adminUserID: String, keyID: String) {
        self.team = team
        self.adminUserID = adminUserID
        self.keyID = keyID
    }
}

/// Per-request facts the service needs besides the request itself.
package struct RequestContext: Sendable {
    package var requestID: String
    /// The public URL of the SCIM base path, without a trailing slash, for `Location` and `meta.location`.
    package var baseURL: String
    package var logger: Logger
    /// The entity tags of `If-Match` (RFC 7232 §3.1) that a write requires, or nil when the request has
    /// none or the profile offers no ETags.
    package var ifMatch: [String]?
    /// The read transaction that every read of this request joins, set by ``SCIMService/withSharedRead(_:_:_:)``.
    package var sharedRead: SharedReadTransaction?

    package init(requestID: String, baseURL: String, logger: Logger, ifMatch: [String]? = nil) {
        self.requestID = requestID
        self.baseURL = baseURL
        self.logger = logger
        self.ifMatch = ifMatch
    }

    /// Checks `If-Match` against a resource's current version inside the write's transaction.
    /// - Throws: 412 when no listed tag (or `*`) matches, so a stale client changes nothing.
    package func checkPrecondition(version: Int64) throws(SCIMError) {
        guard let ifMatch else { return }
        let current = EntityTag.weak(version: version)
        guard ifMatch.contains("*") || ifMatch.contains(where: { EntityTag.matchesWeakly($0, current) }) else {
            throw SCIMError(
                status: 412,
                detail: "The resource changed: its version is \(current), not \(ifMatch.joined(separator: ", ")).")
        }
    }
}

/// A store read transaction that authentication and the operation of one request both use, so that
/// they read one snapshot and a GET pays for one BEGIN and COMMIT.
///
/// It is `@unchecked Sendable` because it never leaves the thread that runs its request, and the
/// transaction ends when ``SCIMService/withSharedRead(_:_:_:)`` returns.
package final class SharedReadTransaction: @unchecked Sendable {
    let transaction: any StoreTransaction

    init(_ transaction: any StoreTransaction) {
        self.transaction = transaction
    }
}

/// Entity tags for `meta.version` and the `ETag` header (RFC 7232 §2.3).
package enum EntityTag {
    /// Returns the weak tag of a version, such as `W/"3"`.
    package static func weak(version: Int64) -> String {
        "W/\"\(version)\""
    }

    /// Splits a header such as `W/"1", "2"` into its tags.
    package static func list(_ header: String) -> [String] {
        header.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// Compares two tags with the weak comparison of RFC 7232 §2.3.2: the opaque parts must match.
    package static func matchesWeakly(_ lhs: String, _ rhs: String) -> Bool {
        opaque(lhs) == opaque(rhs)
    }

    private static func opaque(_ tag: String) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : Substring(tag)
    }
}

/// The query parameters of a listing (RFC 7644 §3.4.2), as sent.
package struct ListParameters: Sendable, Equatable {
    package var filter: String?
    package var startIndex: String?
    package var count: String?
    /// The attribute to sort by and `ascending` or `descending` (RFC 7644 §3.4.2.3); the `rfc` profile only.
    package var sortBy: String?
    package var sortOrder: String?
    /// RFC 9865's `cursor`: empty for the first page of a cursor listing, nil for an index listing.
    package var cursor: String?

    package init(
        filter: String? = nil, startIndex: String? = nil, count: String? = nil, sortBy: String? = nil,
        sortOrder: String? = nil, cursor: String? = nil
    ) {
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.sortOrder = sortOrder
        self.cursor = cursor
    }
}
