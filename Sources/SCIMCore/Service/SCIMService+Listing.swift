extension SCIMService {
    /// Lists users in the `rfc` profile: the whole filter grammar and `sortBy`, evaluated by the store.
    func listUsersByListing(
        _ caller: Caller, _ parameters: ListParameters, projection: AttributeProjection, context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        let (listing, startIndex) = try resourceListing(parameters, resolver: .users)
        let page = try run(.listUsers, context) { transaction throws(SCIMError) in
            try transaction.users(teamID: caller.team.id, listing: listing)
        }
        let resources = page.users.map { projection.apply(to: representation.render($0, baseURL: context.baseURL)) }
        return listResponse(
            total: page.totalResults, startIndex: startIndex, count: resources.count, resources: resources)
    }

    /// Lists groups in the `rfc` profile; members are loaded only when the projection keeps them.
    func listGroupsByListing(
        _ caller: Caller, _ parameters: ListParameters, projection: AttributeProjection, context: RequestContext
    ) throws(SCIMError) -> JSONValue {
        let (listing, startIndex) = try resourceListing(parameters, resolver: .groups)
        let loadsMembers = projection.includes("members")
        let (total, resources) = try run(.listGroups, context) { transaction throws(SCIMError) in
            let page = try transaction.groups(teamID: caller.team.id, listing: listing)
            var rendered: [JSONValue] = []
            for group in page.groups {
                let members = loadsMembers ? try transaction.members(groupID: group.id) : nil
                rendered.append(
                    projection.apply(to: groupRepresentation.render(group, members: members, baseURL: context.baseURL)))
            }
            return (page.totalResults, rendered)
        }
        return listResponse(total: total, startIndex: startIndex, count: resources.count, resources: resources)
    }

    /// Reads the listing parameters (RFC 7644 §3.4.2): a startIndex below 1 counts as 1, a negative count
    /// as 0, and a count above the page size as the page size.
    /// - Throws: `invalidFilter` for a filter that does not parse or names no attribute of the schemas.
    ///   `invalidValue` for a non-integer index or count, a `sortBy` the schemas do not define, or a
    ///   `sortOrder` other than `ascending` or `descending`.
    func resourceListing(_ parameters: ListParameters, resolver: FilterResolver) throws(SCIMError)
        -> (listing: ResourceListing, startIndex: Int)
    {
        let startIndex = max(1, try integerParameter("startIndex", parameters.startIndex) ?? 1)
        let count = min(Self.maxPageSize, max(0, try integerParameter("count", parameters.count) ?? Self.maxPageSize))
        var listing = ResourceListing(page: .index(startIndex: startIndex, count: count))
        if let text = parameters.filter {
            let filter = try FilterParser.parse(text)
            _ = try resolver.resolve(filter)
            listing.filter = filter
        }
        if let sortBy = parameters.sortBy {
            let path = try Self.sortPath(sortBy)
            _ = try resolver.sortAttribute(path)
            listing.sortBy = path
            listing.descending = try Self.isDescending(parameters.sortOrder)
        }
        return (listing, startIndex)
    }

    /// Parses a `sortBy` value as an attribute path, such as `name.familyName` or a URN-qualified name.
    private static func sortPath(_ text: String) throws(SCIMError) -> AttributePath {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0 == " " || $0 == "[" || $0 == "(" }),
            case .comparison(let path, .pr, nil)? = try? FilterParser.parse("\(trimmed) pr")
        else {
            throw .invalidValue("'sortBy' must be an attribute name, not '\(text.prefix(100))'.")
        }
        return path
    }

    /// Reads `sortOrder`, whose keywords match without regard to case; ascending is the default.
    private static func isDescending(_ sortOrder: String?) throws(SCIMError) -> Bool {
        switch sortOrder?.trimmingSpaces().lowercased() {
        case nil, "ascending": return false
        case "descending": return true
        default:
            throw .invalidValue(
                "'sortOrder' must be 'ascending' or 'descending', not '\(sortOrder?.prefix(40) ?? "")'.")
        }
    }
}
