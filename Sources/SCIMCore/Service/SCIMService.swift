/// The SCIM operations, independent of HTTP: authentication, rate limits, users and discovery.
///
/// Each operation runs in one store transaction, so it applies completely or not at all. Errors leave
/// as ``SCIMError`` with the profile's texts; store failures become the operation's 500 text with the
/// cause kept for the log.
package final class SCIMService: Sendable {
    package struct Configuration: Sendable {
        package var profile: Profile
        package var readsPerMinute: Int
        package var writesPerMinute: Int
        /// The largest request body in bytes, advertised as `bulk.maxPayloadSize`.
        package var maxPayloadBytes: Int
        /// How long a `nextCursor` stays valid after it was issued, advertised as
        /// `pagination.cursorTimeout` (`rfc` profile).
        package var cursorTimeoutSeconds: Int

        package init(
            profile: Profile = .postman, readsPerMinute: Int = 300, writesPerMinute: Int = 180,
            maxPayloadBytes: Int = 1 << 20, cursorTimeoutSeconds: Int = SCIMService.defaultCursorTimeoutSeconds
        ) {
            self.profile = profile
            self.readsPerMinute = readsPerMinute
            self.writesPerMinute = writesPerMinute
            self.maxPayloadBytes = maxPayloadBytes
            self.cursorTimeoutSeconds = cursorTimeoutSeconds
        }
    }

    /// Postman's `filter.maxResults`: the largest page returned.
    package static let maxPageSize = 100
    /// The maximum number of operations in one bulk request (`rfc` profile).
    package static let maxBulkOperations = 1000
    /// The default lifetime of a cursor. A cursor keeps no server state, so a long one costs nothing.
    package static let defaultCursorTimeoutSeconds = 3600

    package let profile: Profile
    let maxPayloadBytes: Int
    let cursorTimeoutSeconds: Int
    let store: any ResourceStore
    let hasher: any CredentialHasher
    let catalogue: ErrorCatalogue
    let limiter: any RequestRateLimiter
    let representation: UserRepresentation
    let groupRepresentation: GroupRepresentation
    let patcher: UserPatcher

    /// Creates the service; without `limiter` it counts requests in memory, which suits one node.
    package init(
        store: any ResourceStore, hasher: any CredentialHasher, configuration: Configuration,
        limiter: (any RequestRateLimiter)? = nil
    ) {
        self.profile = configuration.profile
        self.maxPayloadBytes = configuration.maxPayloadBytes
        self.cursorTimeoutSeconds = configuration.cursorTimeoutSeconds
        self.store = store
        self.hasher = hasher
        self.catalogue = ErrorCatalogue(profile: configuration.profile)
        self.limiter =
            limiter
            ?? RateLimiter(readsPerMinute: configuration.readsPerMinute, writesPerMinute: configuration.writesPerMinute)
        self.representation = UserRepresentation(profile: configuration.profile)
        self.groupRepresentation = GroupRepresentation(profile: configuration.profile)
        self.patcher = UserPatcher(profile: configuration.profile)
    }

    /// Finds the team and admin of the API key in `Authorization` (`Bearer KEY` or a bare `KEY`) or, when
    /// that header is absent, in `X-API-Key`.
    /// - Throws: 401 for a missing, unknown or revoked key; 400 for a deleted team; 403 when the key's
    ///   admin is no longer an active admin of the team.
    package func authenticate(
        authorization: String?, apiKeyHeader: String?, operation: Operation, context: RequestContext
    )
        throws(SCIMError) -> Caller
    {
        guard let text = Self.credentialText(authorization: authorization, apiKeyHeader: apiKeyHeader),
            let key = APIKey.parse(text)
        else { throw catalogue.invalidKey() }
        let record = try run(operation, context) { transaction throws(SCIMError) in
            try transaction.credential(keyID: key.id)
        }
        guard let record, record.key.revoked == nil,
            hasher.constantTimeEquals(record.key.secretDigest, key.secretDigest(using: hasher))
        else { throw catalogue.invalidKey() }
        guard !record.team.isDeleted else { throw catalogue.teamGone() }
        guard let admin = record.admin, admin.teamID == record.team.id, admin.role == .admin, !admin.isDeactivated
        else {
            throw catalogue.adminNotOnTeam()
        }
        return Caller(team: record.team, adminUserID: admin.id, keyID: key.id)
    }

    /// Counts a request against its team's limit.
    /// - Throws: 429 with `retryAfterSeconds` set when the team is past the limit.
    package func admit(_ caller: Caller, isWrite: Bool) throws(SCIMError) {
        let decision = try limiter.admit(
            teamID: caller.team.id, bucket: isWrite ? .write : .read, now: Timestamp.nowMilliseconds())
        if case .limited(let limit, let retryAfterSeconds) = decision {
            throw catalogue.rateLimited(limit: limit, retryAfterSeconds: retryAfterSeconds)
        }
    }

    private static func credentialText(authorization: String?, apiKeyHeader: String?) -> String? {
        guard let authorization else { return apiKeyHeader?.trimmingSpaces() }
        let trimmed = authorization.trimmingSpaces()
        // The scheme is compared as ASCII bytes, without building lowercased strings on every request.
        let scheme = "bearer ".utf8
        let utf8 = trimmed.utf8
        if utf8.count > scheme.count,
            zip(utf8, scheme).allSatisfy({ ((0x41...0x5A).contains($0) ? $0 | 0x20 : $0) == $1 })
        {
            return String(decoding: utf8.dropFirst(scheme.count), as: UTF8.self).trimmingSpaces()
        }
        return trimmed
    }

    /// Runs `body` inside one read transaction that every read made with the context it receives joins.
    ///
    /// Writes made with that context still get their own write transaction, so it suits requests that
    /// only read. The transaction ends when `body` returns; nothing may keep the context beyond that.
    package func withSharedRead<T>(
        _ operation: Operation, _ context: RequestContext, _ body: (RequestContext) throws(SCIMError) -> T
    ) throws(SCIMError) -> T {
        try run(operation, context) { transaction throws(SCIMError) in
            var joined = context
            joined.sharedRead = SharedReadTransaction(transaction)
            return try body(joined)
        }
    }

    /// Runs `body` in a read or write transaction and turns store failures into the operation's 500.
    func run<T>(
        _ operation: Operation, _ context: RequestContext, write: Bool = false,
        _ body: (any StoreTransaction) throws(SCIMError) -> T
    ) throws(SCIMError) -> T {
        do {
            if !write, let shared = context.sharedRead { return try body(shared.transaction) }
            return write ? try store.write(body) : try store.read(body)
        } catch  where error.status == 500 {
            throw catalogue.internalFailure(operation, requestID: context.requestID, underlying: error.underlying)
        }
    }
}
