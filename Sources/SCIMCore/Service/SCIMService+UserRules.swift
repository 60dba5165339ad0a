extension SCIMService {
    /// Loads a user of the caller's team.
    func teamUser(id: String, caller: Caller, in transaction: any StoreTransaction) throws(SCIMError) -> UserRecord {
        guard ResourceID.isWellFormed(id), let user = try transaction.user(id: id) else {
            throw catalogue.userNotFound(id: id, inOtherTeam: false)
        }
        guard user.teamID == caller.team.id else { throw catalogue.userNotFound(id: id, inOtherTeam: true) }
        return user
    }

    /// Copies the attributes a PUT changes into `user`. In the `rfc` profile a PUT without `active`
    /// sets it to true, the value a POST without it gets (RFC 7644 §3.5.1 lets the service provider
    /// assign a default), and a PUT without `password` keeps the stored hash, because no client can
    /// read the password back to send it again. `passwordHash` is the hash of `document.password`.
    func apply(_ document: UserDocument, passwordHash: String?, to user: inout UserRecord) {
        switch profile {
        case .postman:
            if let userName = document.userName { user.userName = userName }
            if document.hasName {
                user.givenName = document.givenName ?? user.givenName
                user.familyName = document.familyName ?? user.familyName
            }
            if let active = document.active { user.active = active }
        case .rfc:
            user.userName = document.userName ?? user.userName
            user.givenName = document.givenName
            user.familyName = document.familyName
            user.externalID = document.externalID
            user.active = document.active ?? true
            user.extraAttributes = document.otherAttributes
            if document.hasPassword { user.passwordHash = passwordHash }
        }
    }

    /// Returns the hash of each string a PATCH request may set as the password, derived before the
    /// write transaction so that the slow derivation holds no lock. The `postman` profile stores no
    /// password and derives none.
    func passwordHashes(for request: PatchRequest) throws(SCIMError) -> [String: String] {
        guard profile == .rfc else { return [:] }
        var hashes: [String: String] = [:]
        for candidate in UserPatcher.passwordCandidates(in: request) where hashes[candidate] == nil {
            hashes[candidate] = try hasher.hashPassword(candidate)
        }
        return hashes
    }

    /// Checks the team's rules on a changed user and stores it; an unchanged user is returned as it was.
    func store(
        _ updated: UserRecord, replacing current: UserRecord, caller: Caller, in transaction: any StoreTransaction
    )
        throws(SCIMError) -> UserRecord
    {
        guard updated != current else { return current }
        let renamed = updated.userName != current.userName
        if current.id == caller.adminUserID, renamed || updated.isDeactivated {
            throw catalogue.adminActionNotAllowed()
        }
        if renamed { try checkUserNameChange(to: updated.userName, of: current, caller: caller, in: transaction) }
        var stored = updated
        stored.lastModified = max(Timestamp.nowMilliseconds(), current.lastModified)
        stored.version = current.version + 1
        do {
            try transaction.updateUser(stored)
        } catch  where error.scimType == .uniqueness {
            throw profile == .postman ? catalogue.userNameNotUpdated("taken") : catalogue.userNameTaken(stored.userName)
        }
        return stored
    }

    /// Allows a new userName only when it is an e-mail address in one of the team's verified domains
    /// (`postman` profile) and no other member has it.
    private func checkUserNameChange(
        to userName: String, of user: UserRecord, caller: Caller, in transaction: any StoreTransaction
    )
        throws(SCIMError)
    {
        if profile == .postman {
            guard isEmailAddress(userName) else { throw catalogue.userNameNotUpdated("not an e-mail address") }
            let domain = userName.split(separator: "@").last.map { $0.lowercased() } ?? ""
            guard caller.team.domains.contains(where: { $0.lowercased() == domain }) else {
                throw catalogue.userNameNotUpdated("the domain \(domain) is not verified for the team")
            }
        } else if userName.isEmpty {
            throw catalogue.invalidPayload(.invalidValue("'userName' must not be empty."))
        }
        if let holder = try transaction.user(userName: userName), holder.id != user.id {
            throw profile == .postman
                ? catalogue.userNameNotUpdated("another member has it") : catalogue.userNameTaken(userName)
        }
    }

    /// Whether a new user's userName is acceptable: an e-mail address in the `postman` profile, where
    /// every member is a Postman account, and any non-empty string in the `rfc` profile.
    func isAcceptableUserName(_ userName: String) -> Bool {
        profile == .postman ? isEmailAddress(userName) : !userName.trimmingSpaces().isEmpty
    }

    /// Runs a body parser or patcher and maps its validation errors (400 with a `scimType`) to the
    /// profile's invalid-payload error. Errors already in the profile's texts pass unchanged.
    func payload<T>(_ body: () throws(SCIMError) -> T) throws(SCIMError) -> T {
        do {
            return try body()
        } catch  where error.status == 400 && error.scimType != nil {
            throw catalogue.invalidPayload(error)
        }
    }

    /// Parses an optional integer query parameter.
    /// - Throws: `invalidValue` naming the parameter.
    func integerParameter(_ name: String, _ text: String?) throws(SCIMError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text.trimmingSpaces()) else {
            throw .invalidValue("The query parameter '\(name)' must be an integer, not '\(text.prefix(40))'.")
        }
        return value
    }

    /// Turns a filter into the conditions the store evaluates: `userName eq "…"` (letter case counts, as
    /// Postman documents) and `active eq true|false`, alone or joined by `and`.
    /// - Throws: the profile's unsupported-filter error for anything else.
    func userQuery(_ filterText: String?) throws(SCIMError) -> UserQuery {
        guard let filterText else { return UserQuery() }
        let filter: Filter
        do {
            filter = try FilterParser.parse(filterText, allowsSingleQuotes: profile == .postman)
        } catch {
            throw catalogue.unsupportedFilter(error.detail)
        }
        var query = UserQuery()
        // NOTE: the rfc profile evaluates only this subset of RFC 7644 §3.4.2.2 so far; other filters
        // get 400 invalidFilter rather than a wrong result.
        guard collect(filter, into: &query) else {
            throw catalogue.unsupportedFilter("Only userName eq and active eq filters, joined by and, are supported.")
        }
        return query
    }

    private func collect(_ filter: Filter, into query: inout UserQuery) -> Bool {
        switch filter {
        case .and(let left, let right):
            return collect(left, into: &query) && collect(right, into: &query)
        case .comparison(let path, .eq, let value?) where isCoreUserPath(path):
            switch (path.name.lowercased(), path.subAttribute, value) {
            case ("username", nil, .string(let text)) where query.userName == nil:
                query.userName = text
                return true
            case ("active", nil, .bool(let flag)) where query.active == nil:
                query.active = flag
                return true
            default:
                return false
            }
        default:
            return false
        }
    }

    private func isCoreUserPath(_ path: AttributePath) -> Bool {
        path.schema == nil || path.schema?.lowercased() == Schema.userURN.lowercased()
    }
}

/// Whether `text` is a plausible e-mail address: one `@`, a non-empty local part, and a domain of at
/// least two dot-separated labels of letters, digits and hyphens, with no spaces or control characters.
package func isEmailAddress(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, text.utf8.count <= 254 else { return false }
    guard parts[0].unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return false }
    let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
    guard labels.count >= 2 else { return false }
    return labels.allSatisfy { label in
        !label.isEmpty && label.first != "-" && label.last != "-"
            && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
    }
}
