extension SCIMService {
    /// Lists a team's users (RFC 7644 §3.4.2): in creation order in the `postman` profile; in the `rfc`
    /// profile with any filter and `sortBy`, by index or, with a `cursor`, by cursor (RFC 9865).
    /// - Throws: the profile's unsupported-filter error; `invalidValue` for a non-integer index or count,
    ///   or an unknown `sortBy` or `sortOrder`; `invalidCursor` or `expiredCursor`.
    package func listUsers(
        _ caller: Caller, _ parameters: ListParameters, projection: AttributeProjection = .all, context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        if profile == .rfc, let cursor = parameters.cursor {
            return try listUsersByCursor(
                caller, parameters, cursorText: cursor, projection: projection, context: context)
        }
        if profile == .rfc {
            return try listUsersByListing(caller, parameters, projection: projection, context: context)
        }
        let query = try userQuery(parameters.filter)
        let startIndex = max(1, try integerParameter("startIndex", parameters.startIndex) ?? 1)
        let count = min(Self.maxPageSize, max(0, try integerParameter("count", parameters.count) ?? Self.maxPageSize))
        let page = try run(.listUsers, context) { transaction throws(SCIMError) in
            try transaction.users(teamID: caller.team.id, matching: query, startIndex: startIndex, count: count)
        }
        let resources = page.users.map { projection.apply(to: representation.render($0, baseURL: context.baseURL)) }
        return listResponse(total: page.totalResults, startIndex: startIndex, count: count, resources: resources)
    }

    /// Returns one user of the caller's team.
    /// - Throws: 404, or 403 in the `postman` profile for a user of another team.
    package func getUser(_ caller: Caller, id: String, context: RequestContext) throws(SCIMError) -> JSONValue {
        let user = try run(.getUser, context) { transaction throws(SCIMError) in
            try teamUser(id: id, caller: caller, in: transaction)
        }
        return representation.render(user, baseURL: context.baseURL)
    }

    /// Creates a user in the caller's team and returns its representation and id.
    /// - Throws: the profile's invalid-payload error; 409 `uniqueness` when any team has the userName.
    package func createUser(_ caller: Caller, body: [UInt8], context: RequestContext) throws(SCIMError)
        -> (resource: JSONValue, id: String)
    {
        let document = try payload { () throws(SCIMError) in
            try UserDocument.parse(body, keepsPassword: profile == .rfc)
        }
        guard let userName = document.userName, isAcceptableUserName(userName) else {
            throw catalogue.invalidPayload(.invalidValue("'userName' is required and must be an e-mail address."))
        }
        let now = Timestamp.nowMilliseconds()
        var user = UserRecord(
            id: ResourceID.generate(), teamID: caller.team.id, userName: userName, givenName: document.givenName,
            familyName: document.familyName, externalID: document.externalID, active: document.active ?? true,
            created: now, lastModified: now)
        if profile == .rfc {
            user.extraAttributes = document.otherAttributes
            user.passwordHash = try document.password.map { (password) throws(SCIMError) in
                try hasher.hashPassword(password)
            }
        }
        try run(.createUser, context, write: true) { transaction throws(SCIMError) in
            guard try transaction.user(userName: userName) == nil else { throw catalogue.userNameTaken(userName) }
            do throws(SCIMError) {
                try transaction.insertUser(user)
            } catch  where error.scimType == .uniqueness {
                throw catalogue.userNameTaken(userName)
            }
        }
        return (representation.render(user, baseURL: context.baseURL), user.id)
    }

    /// Replaces a user (PUT). The `postman` profile applies `name`, `active` and, under the team's rules,
    /// `userName`; the `rfc` profile replaces every attribute (RFC 7644 §3.5.1).
    /// - Throws: the profile's invalid-payload error, 404/403, the admin-action 403, the userName 400.
    package func replaceUser(_ caller: Caller, id: String, body: [UInt8], context: RequestContext) throws(SCIMError)
        -> JSONValue
    {
        let document = try payload { () throws(SCIMError) in
            try UserDocument.parse(body, keepsPassword: profile == .rfc)
        }
        if profile == .rfc, document.userName == nil {
            throw catalogue.invalidPayload(.invalidValue("'userName' is required."))
        }
        let passwordHash = try document.password.map { (password) throws(SCIMError) in
            try hasher.hashPassword(password)
        }
        let user = try run(.replaceUser, context, write: true) { transaction throws(SCIMError) in
            let current = try teamUser(id: id, caller: caller, in: transaction)
            try context.checkPrecondition(version: current.version)
            var updated = current
            apply(document, passwordHash: passwordHash, to: &updated)
            return try store(updated, replacing: current, caller: caller, in: transaction)
        }
        return representation.render(user, baseURL: context.baseURL)
    }

    /// Applies a PATCH request to a user (RFC 7644 §3.5.2) and returns the result.
    /// - Throws: the profile's invalid-payload error, 404/403, the admin-action 403, the userName 400.
    package func patchUser(_ caller: Caller, id: String, body: [UInt8], context: RequestContext) throws(SCIMError)
        -> JSONValue
    {
        let request = try payload { () throws(SCIMError) in try PatchRequest.parse(body) }
        let passwordHashes = try passwordHashes(for: request)
        let user = try run(.patchUser, context, write: true) { transaction throws(SCIMError) in
            let current = try teamUser(id: id, caller: caller, in: transaction)
            try context.checkPrecondition(version: current.version)
            var updated = current
            try payload { () throws(SCIMError) in
                try patcher.apply(request, to: &updated, passwordHashes: passwordHashes)
            }
            return try store(updated, replacing: current, caller: caller, in: transaction)
        }
        return representation.render(user, baseURL: context.baseURL)
    }
}
