/// A SCIM error (RFC 7644 §3.12): an HTTP status, an optional `scimType` and a detail safe to show.
///
/// Only the HTTP adapter turns it into a response. `underlying` carries the cause for the log and is
/// never serialised.
package struct SCIMError: Error, Sendable {
    /// The `scimType` keywords of RFC 7644 §3.12, spelled as on the wire, and RFC 9865's cursor keywords.
    package enum Kind: String, Sendable, CaseIterable {
        case invalidFilter
        case tooMany
        case uniqueness
        case mutability
        case invalidSyntax
        case invalidPath
        case noTarget
        case invalidValue
        case invalidVers
        case sensitive
        case invalidCursor
        case expiredCursor
    }

    /// How the `status` member is written: a JSON string as RFC 7644 §3.12 shows, or a number as
    /// Postman's documented 429 body has it.
    package enum StatusEncoding: Sendable {
        case string
        case number
    }

    package var status: Int
    package var scimType: Kind?
    package var detail: String
    package var statusEncoding: StatusEncoding = .string
    /// Seconds a client should wait before retrying, sent as `Retry-After`.
    package var retryAfterSeconds: Int?
    /// A description of the cause, for the log only.
    package var underlying: String?

    package init(status: Int, scimType: Kind? = nil, detail: String, underlying: String? = nil) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
        self.underlying = underlying
    }
}

extension SCIMError {
    /// Builds a 400 `invalidSyntax` error (RFC 7644 §3.12).
    package static func invalidSyntax(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidSyntax, detail: detail)
    }

    /// Builds a 400 `invalidValue` error (RFC 7644 §3.12).
    package static func invalidValue(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidValue, detail: detail)
    }

    /// Builds a 400 `invalidFilter` error (RFC 7644 §3.4.2.2).
    package static func invalidFilter(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidFilter, detail: detail)
    }

    /// Builds a 400 `invalidCursor` error (RFC 9865 §2.1).
    package static func invalidCursor(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidCursor, detail: detail)
    }

    /// Builds a 400 `expiredCursor` error (RFC 9865 §2.1).
    package static func expiredCursor(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .expiredCursor, detail: detail)
    }

    /// Builds a 400 `mutability` error (RFC 7644 §3.5.2).
    package static func mutability(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .mutability, detail: detail)
    }

    /// Builds a 400 `invalidPath` error (RFC 7644 §3.5.2).
    package static func invalidPath(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .invalidPath, detail: detail)
    }

    /// Builds a 400 `noTarget` error (RFC 7644 §3.5.2).
    package static func noTarget(_ detail: String) -> SCIMError {
        SCIMError(status: 400, scimType: .noTarget, detail: detail)
    }

    /// Builds a 409 `uniqueness` error (RFC 7644 §3.3).
    package static func uniqueness(_ detail: String) -> SCIMError {
        SCIMError(status: 409, scimType: .uniqueness, detail: detail)
    }

    /// Builds a 404 for a resource that does not exist.
    package static func notFound(_ detail: String) -> SCIMError {
        SCIMError(status: 404, detail: detail)
    }

    /// Builds a 413 for a body over the configured limit.
    package static func payloadTooLarge(limit: Int) -> SCIMError {
        SCIMError(status: 413, detail: "The request body is larger than the limit of \(limit) bytes.")
    }

    /// Builds a 500 whose cause goes to the log only.
    package static func internalFailure(_ underlying: String) -> SCIMError {
        SCIMError(status: 500, detail: "The server failed to complete the request.", underlying: underlying)
    }

    /// Builds a 503 for a store that cannot be reached; the client may retry.
    package static func unavailable(_ underlying: String) -> SCIMError {
        var error = SCIMError(
            status: 503, detail: "The service is temporarily unavailable. Try again shortly.", underlying: underlying)
        error.retryAfterSeconds = 1
        return error
    }

    /// Whether the server, not the client, caused this error.
    package var isServerFailure: Bool { status >= 500 }
}
