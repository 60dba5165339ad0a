extension SCIMService {
    /// Lists a team's users by cursor (RFC 9865, `rfc` profile): the page after the cursor's position,
    /// with a `nextCursor` while more users follow.
    /// - Throws: `invalidCursor`, `expiredCursor`, `invalidValue` with `startIndex` or a bad count,
    ///   `invalidFilter`.
    func listUsersByCursor(
        _ caller: Caller, _ parameters: ListParameters, cursorText: String, projection: AttributeProjection,
        context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        let request = try cursorRequest(parameters, cursorText: cursorText, resource: .users, caller: caller)
        let page = try run(.listUsers, context) { transaction throws(SCIMError) in
            try transaction.users(teamID: caller.team.id, listing: request.listing)
        }
        let users = request.count == 0 ? [] : page.users
        let resources = users.map { projection.apply(to: representation.render($0, baseURL: context.baseURL)) }
        let next = request.nextCursor(pageIsEmpty: page.users.isEmpty, next: page.next)
        return cursorListResponse(total: page.totalResults, resources: resources, nextCursor: next)
    }

    /// Lists a team's groups by cursor (RFC 9865, `rfc` profile); members are loaded only when the
    /// projection keeps them.
    /// - Throws: as ``listUsersByCursor(_:_:cursorText:projection:context:)``.
    func listGroupsByCursor(
        _ caller: Caller, _ parameters: ListParameters, cursorText: String, projection: AttributeProjection,
        context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        let request = try cursorRequest(parameters, cursorText: cursorText, resource: .groups, caller: caller)
        let loadsMembers = projection.includes("members")
        let (page, resources) = try run(.listGroups, context) { transaction throws(SCIMError) in
            let page = try transaction.groups(teamID: caller.team.id, listing: request.listing)
            var rendered: [JSONValue] = []
            for group in request.count == 0 ? [] : page.groups {
                let members = loadsMembers ? try transaction.members(groupID: group.id) : nil
                rendered.append(
                    projection.apply(to: groupRepresentation.render(group, members: members, baseURL: context.baseURL)))
            }
            return (page, rendered)
        }
        let next = request.nextCursor(pageIsEmpty: page.groups.isEmpty, next: page.next)
        return cursorListResponse(total: page.totalResults, resources: resources, nextCursor: next)
    }

    /// Returns a ListResponse of one cursor page. It has no `startIndex`, which only index pages have.
    func cursorListResponse(total: Int, resources: [JSONValue], nextCursor: String?) -> JSONValue {
        var object = JSONObject([
            ("schemas", .array([.string("urn:ietf:params:scim:api:messages:2.0:ListResponse")])),
            ("totalResults", .integer(Int64(total))),
            ("itemsPerPage", .integer(Int64(resources.count))),
        ])
        if let nextCursor { object.set("nextCursor", .string(nextCursor)) }
        object.set("Resources", .array(resources))
        return .object(object)
    }

    /// Checks the parameters of a cursor page and turns them into the store's listing.
    private func cursorRequest(
        _ parameters: ListParameters, cursorText: String, resource: ListingCursor.Resource, caller: Caller
    ) throws(SCIMError) -> CursorRequest {
        guard parameters.startIndex == nil else {
            throw .invalidValue(
                "startIndex and cursor cannot be combined: send startIndex for index pages or cursor for cursor pages.")
        }
        let count = min(Self.maxPageSize, max(0, try integerParameter("count", parameters.count) ?? Self.maxPageSize))
        // The same filter and sort checks as index pages; the page itself is replaced below.
        var listing = try resourceListing(parameters, resolver: resource == .users ? .users : .groups).listing
        let now = Timestamp.nowMilliseconds()
        var cursor = ListingCursor(
            resource: resource, teamID: caller.team.id, fingerprint: ListingCursor.fingerprint(of: listing),
            issuedAt: now, position: nil)
        if !cursorText.isEmpty {
            cursor.position = try position(in: cursorText, expecting: cursor, now: now)
        }
        // A page of 0 still requests one resource, to learn whether any follow the position.
        listing.page = .after(cursor.position, count: max(count, 1))
        return CursorRequest(listing: listing, count: count, cursor: cursor)
    }

    /// Returns the position a client's cursor carries after checking that this caller issued it for
    /// this query and that it has not expired.
    /// - Throws: `invalidCursor` for a cursor that is malformed, of another endpoint, team or query;
    ///   `expiredCursor` for one older than the cursor timeout.
    func position(in text: String, expecting expected: ListingCursor, now: Int64) throws(SCIMError)
        -> ListingPosition?
    {
        // One text for a malformed cursor and for another team's, so that a cursor reveals nothing of
        // the team that got it (RFC 9865 §5.2).
        guard let cursor = ListingCursor(text: text), cursor.resource == expected.resource,
            cursor.teamID == expected.teamID
        else {
            throw .invalidCursor(
                "The cursor is not one this server issued for this endpoint. Send an empty cursor to start again.")
        }
        guard cursor.fingerprint == expected.fingerprint else {
            throw .invalidCursor(
                "The cursor belongs to a query with another filter, sortBy or sortOrder. Send the query that "
                    + "returned the cursor, or an empty cursor to start again.")
        }
        guard now - cursor.issuedAt <= Int64(cursorTimeoutSeconds) * 1000 else {
            throw .expiredCursor(
                "The cursor expired: it is valid for \(cursorTimeoutSeconds) seconds after the page that returned "
                    + "it. Send an empty cursor to start again.")
        }
        return cursor.position
    }
}

/// A checked cursor page: what to ask the store, the page size the client asked for, and the
/// cursor to continue from.
private struct CursorRequest {
    var listing: ResourceListing
    var count: Int
    var cursor: ListingCursor

    /// Returns the `nextCursor` text, or nil when no resource follows the page.
    func nextCursor(pageIsEmpty: Bool, next: ListingPosition?) -> String? {
        var continuation = cursor
        if count == 0 {
            // The store was asked for one resource; when there is one, the next page starts where
            // this one did.
            guard !pageIsEmpty else { return nil }
        } else {
            guard let next else { return nil }
            continuation.position = next
        }
        return continuation.text
    }
}
