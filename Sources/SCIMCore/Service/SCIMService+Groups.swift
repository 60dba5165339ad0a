extension SCIMService {
    /// Lists a team's groups: in creation order in the `postman` profile; in the `rfc` profile with any
    /// filter and `sortBy`, by index or, with a `cursor`, by cursor (RFC 9865). Members are loaded only
    /// when the projection keeps them.
    /// - Throws: the profile's unsupported-filter error; `invalidValue` for a non-integer index or count,
    ///   or an unknown `sortBy` or `sortOrder`; `invalidCursor` or `expiredCursor`.
    package func listGroups(
        _ caller: Caller, _ parameters: ListParameters, projection: AttributeProjection, context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        if profile == .rfc, let cursor = parameters.cursor {
            return try listGroupsByCursor(
                caller, parameters, cursorText: cursor, projection: projection, context: context)
        }
        if profile == .rfc {
            return try listGroupsByListing(caller, parameters, projection: projection, context: context)
        }
        let query = try groupQuery(parameters.filter)
        let startIndex = max(1, try integerParameter("startIndex", parameters.startIndex) ?? 1)
        let count = min(Self.maxPageSize, max(0, try integerParameter("count", parameters.count) ?? Self.maxPageSize))
        let loadsMembers = projection.includes("members")
        let resources = try run(.listGroups, context) { transaction throws(SCIMError) in
            let page = try transaction.groups(
                teamID: caller.team.id, matching: query, startIndex: startIndex, count: count)
            var rendered: [JSONValue] = []
            for group in page.groups {
                let members = loadsMembers ? try transaction.members(groupID: group.id) : nil
                rendered.append(
                    projection.apply(to: groupRepresentation.render(group, members: members, baseURL: context.baseURL)))
            }
            return (page.totalResults, rendered)
        }
        return listResponse(total: resources.0, startIndex: startIndex, count: count, resources: resources.1)
    }

    /// Returns one group of the caller's team.
    package func getGroup(_ caller: Caller, id: String, projection: AttributeProjection, context: RequestContext)
        throws(SCIMError) -> JSONValue
    {
        try run(.getGroup, context) { transaction throws(SCIMError) in
            let group = try teamGroup(id: id, caller: caller, in: transaction)
            return try render(group, projection: projection, in: transaction, context: context)
        }
    }

    /// Creates a group with its members, all users of the caller's team.
    /// - Throws: the profile's invalid-payload error; 409 for a displayName the team has; 400 for a member
    ///   that is not a user of the team.
    package func createGroup(_ caller: Caller, body: [UInt8], projection: AttributeProjection, context: RequestContext)
        throws(SCIMError) -> (resource: JSONValue, id: String)
    {
        let document = try payload { () throws(SCIMError) in try GroupDocument.parse(body) }
        let now = Timestamp.nowMilliseconds()
        let group = GroupRecord(
            id: ResourceID.generate(), teamID: caller.team.id, displayName: document.displayName,
            externalID: document.externalID, created: now, lastModified: now)
        let resource = try run(.createGroup, context, write: true) { transaction throws(SCIMError) in
            try insert(group, in: transaction)
            var membership = GroupMembership(
                groupID: group.id, teamID: caller.team.id, transaction: transaction, catalogue: catalogue)
            try membership.add(document.members)
            return try render(group, projection: projection, in: transaction, context: context)
        }
        return (resource, group.id)
    }

    /// Replaces a group's displayName, externalId and members (RFC 7644 §3.5.1).
    package func replaceGroup(
        _ caller: Caller, id: String, body: [UInt8], projection: AttributeProjection, context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        let document = try payload { () throws(SCIMError) in try GroupDocument.parse(body) }
        return try run(.replaceGroup, context, write: true) { transaction throws(SCIMError) in
            var group = try teamGroup(id: id, caller: caller, in: transaction)
            try context.checkPrecondition(version: group.version)
            group.displayName = document.displayName
            group.externalID = document.externalID
            var membership = GroupMembership(
                groupID: group.id, teamID: caller.team.id, transaction: transaction, catalogue: catalogue)
            try membership.replaceAll(document.members)
            try save(&group, in: transaction)
            return try render(group, projection: projection, in: transaction, context: context)
        }
    }

    /// Applies a PATCH request to a group (RFC 7644 §3.5.2) and returns the group, or nil when the
    /// response is to be 204 No Content.
    package func patchGroup(
        _ caller: Caller, id: String, body: [UInt8], projection: AttributeProjection, wantsRepresentation: Bool,
        context: RequestContext
    ) throws(SCIMError) -> JSONValue? {
        let request = try payload { () throws(SCIMError) in try PatchRequest.parse(body) }
        let engine = PatchEngine(schemas: [.group], tolerant: profile == .postman, collectionAttribute: "members")
        return try run(.patchGroup, context, write: true) { transaction throws(SCIMError) in
            let current = try teamGroup(id: id, caller: caller, in: transaction)
            try context.checkPrecondition(version: current.version)
            var document = JSONObject([("displayName", .string(current.displayName))])
            if let externalID = current.externalID { document.set("externalId", .string(externalID)) }
            var collection: (any PatchCollection)? = GroupMembership(
                groupID: id, teamID: caller.team.id, transaction: transaction, catalogue: catalogue)
            try payload { () throws(SCIMError) in
                try engine.apply(request, to: &document, resourceID: id, collection: &collection)
            }
            guard case .string(let displayName)? = document["displayName"], !displayName.trimmingSpaces().isEmpty else {
                throw catalogue.invalidPayload(.invalidValue("'displayName' is required and cannot be removed."))
            }
            var group = current
            group.displayName = displayName
            group.externalID = document["externalId"]?.stringValue
            let membersChanged = (collection as? GroupMembership)?.changed ?? false
            if group != current || membersChanged { try save(&group, in: transaction) }
            guard wantsRepresentation || profile == .postman else { return nil }
            return try render(group, projection: projection, in: transaction, context: context)
        }
    }

    /// Deletes a group; its users stay as they are.
    package func deleteGroup(_ caller: Caller, id: String, context: RequestContext) throws(SCIMError) {
        try run(.deleteGroup, context, write: true) { transaction throws(SCIMError) in
            let group = try teamGroup(id: id, caller: caller, in: transaction)
            try context.checkPrecondition(version: group.version)
            try transaction.deleteGroup(id: id)
        }
    }

    /// Deletes a user and its memberships (`rfc` profile; Postman only deactivates).
    package func deleteUser(_ caller: Caller, id: String, context: RequestContext) throws(SCIMError) {
        try run(.deleteUser, context, write: true) { transaction throws(SCIMError) in
            let user = try teamUser(id: id, caller: caller, in: transaction)
            try context.checkPrecondition(version: user.version)
            guard user.id != caller.adminUserID else { throw catalogue.adminActionNotAllowed() }
            try transaction.deleteUser(id: id)
        }
    }
}

extension SCIMService {
    func teamGroup(id: String, caller: Caller, in transaction: any StoreTransaction) throws(SCIMError) -> GroupRecord {
        guard ResourceID.isWellFormed(id), let group = try transaction.group(id: id), group.teamID == caller.team.id
        else {
            throw catalogue.groupNotFound(id: id)
        }
        return group
    }

    /// Renders a group, reading its members only when the projection keeps them.
    func render(
        _ group: GroupRecord, projection: AttributeProjection, in transaction: any StoreTransaction,
        context: RequestContext
    )
        throws(SCIMError) -> JSONValue
    {
        let members = projection.includes("members") ? try transaction.members(groupID: group.id) : nil
        return projection.apply(to: groupRepresentation.render(group, members: members, baseURL: context.baseURL))
    }

    private func insert(_ group: GroupRecord, in transaction: any StoreTransaction) throws(SCIMError) {
        guard try transaction.group(teamID: group.teamID, displayName: group.displayName) == nil else {
            throw catalogue.groupNameTaken(group.displayName)
        }
        do throws(SCIMError) {
            try transaction.insertGroup(group)
        } catch  where error.scimType == .uniqueness {
            throw catalogue.groupNameTaken(group.displayName)
        }
    }

    /// Stores a changed group with a new version and lastModified.
    private func save(_ group: inout GroupRecord, in transaction: any StoreTransaction) throws(SCIMError) {
        if let holder = try transaction.group(teamID: group.teamID, displayName: group.displayName),
            holder.id != group.id
        {
            throw catalogue.groupNameTaken(group.displayName)
        }
        group.lastModified = max(Timestamp.nowMilliseconds(), group.lastModified)
        group.version += 1
        do throws(SCIMError) {
            try transaction.updateGroup(group)
        } catch  where error.scimType == .uniqueness {
            throw catalogue.groupNameTaken(group.displayName)
        }
    }

    /// Returns a ListResponse (RFC 7644 §3.4.2) of `resources`.
    package func listResponse(total: Int, startIndex: Int, count: Int, resources: [JSONValue]) -> JSONValue {
        // Postman's documented lists echo the requested count as itemsPerPage; RFC 7644 §3.4.2.4 wants
        // the number returned.
        let itemsPerPage = profile == .postman ? count : resources.count
        return .object(
            JSONObject([
                ("schemas", .array([.string("urn:ietf:params:scim:api:messages:2.0:ListResponse")])),
                ("totalResults", .integer(Int64(total))),
                ("startIndex", .integer(Int64(startIndex))),
                ("itemsPerPage", .integer(Int64(itemsPerPage))),
                ("Resources", .array(resources)),
            ]))
    }

    /// Turns a group filter into the conditions the store evaluates: `displayName eq "…"` in the
    /// `postman` profile, as Postman documents; also `externalId eq` and `members[value eq "…"]` (or
    /// `members.value eq`) in the `rfc` profile.
    func groupQuery(_ filterText: String?) throws(SCIMError) -> GroupQuery {
        guard let filterText else { return GroupQuery() }
        let filter: Filter
        do {
            filter = try FilterParser.parse(filterText, allowsSingleQuotes: profile == .postman)
        } catch {
            throw catalogue.unsupportedFilter(error.detail)
        }
        var query = GroupQuery()
        guard collect(filter, into: &query) else {
            throw catalogue.unsupportedFilter("This group filter is not supported.")
        }
        return query
    }

    private func collect(_ filter: Filter, into query: inout GroupQuery) -> Bool {
        switch filter {
        case .and(let left, let right):
            return collect(left, into: &query) && collect(right, into: &query)
        case .valuePath(let path, .comparison(let inner, .eq, .string(let id)?))
        where profile == .rfc && path.matches("members") && inner.matches("value") && query.memberUserID == nil:
            query.memberUserID = id
            return true
        case .comparison(let path, .eq, .string(let text)?):
            switch (path.name.lowercased(), path.subAttribute?.lowercased()) {
            case ("displayname", nil) where query.displayName == nil:
                query.displayName = text
            case ("externalid", nil) where profile == .rfc && query.externalID == nil:
                query.externalID = text
            case ("members", "value"?) where profile == .rfc && query.memberUserID == nil:
                query.memberUserID = text
            default:
                return false
            }
            return true
        default:
            return false
        }
    }
}
