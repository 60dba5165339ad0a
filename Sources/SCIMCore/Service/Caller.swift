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

    package init(requestID: String, baseURL: String, logger: Logger) {
        self.requestID = requestID
        self.baseURL = baseURL
        self.logger = logger
    }
}

/// The query parameters of a listing (RFC 7644 §3.4.2), as sent.
package struct ListParameters: Sendable, Equatable {
    package var filter: String?
    package var startIndex: String?
    package var count: String?

    package init(filter: String? = nil, startIndex: String? = nil, count: String? = nil) {
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
    }
}
