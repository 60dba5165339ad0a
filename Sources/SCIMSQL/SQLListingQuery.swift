package import SCIMCore

/// The statements of one listing (RFC 7644 §3.4.2): a count of every match and, unless the page is
/// empty, the page itself.
///
/// The page query selects the store's record columns, then the sort key (NULL without `sortBy`), then
/// `seq`, which breaks ties in creation order. Ascending order puts resources without a sort key
/// last; descending order is its reverse for the keys, with ties still in creation order.
package struct SQLListingQuery {
    /// The type of the sort key column, which decides the ``ListingSortKey`` case it reads back into.
    package enum SortKind: Sendable {
        case text, integer, boolean
    }

    package var countSQL: String
    package var countParameters: [SQLParameter]
    /// The page statement, or nil when the listing requests no resources.
    package var pageSQL: String?
    package var pageParameters: [SQLParameter]
    /// The kind of the sort key column, or nil without `sortBy`.
    package var sortKind: SortKind?
    /// The maximum number of resources the page returns. After a position, the page statement requests
    /// one more row, so that the store learns whether more follow.
    package var pageSize: Int

    /// Builds the statements for `listing` over a team's users or groups.
    /// - Parameter columns: the record columns the store decodes, over `users AS u` or `groups AS g`.
    /// - Throws: `invalidFilter` for a filter the resource's schemas reject, `invalidValue` for such a
    ///   `sortBy`.
    package init(
        _ resource: SQLFilterTranslator.Resource, teamID: Int64, listing: ResourceListing, columns: String,
        dialect: any SQLDialect
    ) throws(SCIMError) {
        let resolver = resource == .users ? FilterResolver.users : FilterResolver.groups
        let table = resource == .users ? "users AS u" : "groups AS g"
        var translator = SQLFilterTranslator(dialect: dialect, resource: resource, teamID: teamID)
        let row = translator.row
        var whereClause = try Self.whereClause(listing.filter, resolver: resolver, translator: &translator)
        // Without a filter the team's counters give the total, so a page does not count the whole team.
        let counter = resource == .users ? "user_count" : "group_count"
        countSQL =
            listing.filter == nil
            ? "SELECT \(counter) FROM teams WHERE id = \(translator.teamPlaceholder)"
            : "SELECT count(*) FROM \(table) WHERE \(whereClause)"
        countParameters = translator.parameters

        var sort: (expression: String, kind: SortKind)?
        if let sortBy = listing.sortBy {
            sort = try Self.sortExpression(try resolver.sortAttribute(sortBy), translator: translator)
        }
        sortKind = sort?.kind
        let key = sort.map { $0.kind == .text ? dialect.codePointOrder($0.expression) : $0.expression }

        let limit: String
        switch listing.page {
        case .index(let startIndex, let count):
            pageSize = max(count, 0)
            let offset = translator.bind(.integer(Int64(max(startIndex, 1) - 1)))
            limit = "LIMIT \(translator.bind(.integer(Int64(pageSize)))) OFFSET \(offset)"
        case .after(let position, let count):
            pageSize = max(count, 0)
            if let position {
                let after = Self.keyset(after: position, key: key, listing: listing, row: row, translator: &translator)
                whereClause += " AND \(after)"
            }
            limit = "LIMIT \(translator.bind(.integer(Int64(pageSize) + 1)))"
        }
        let order = Self.orderClause(key: key, descending: listing.descending, row: row)
        pageSQL =
            pageSize == 0
            ? nil
            : "SELECT \(columns), \(sort?.expression ?? "NULL"), \(row).seq FROM \(table) WHERE \(whereClause) "
                + "ORDER BY \(order) \(limit)"
        pageParameters = translator.parameters
    }

    /// Returns the condition on the team and the filter.
    private static func whereClause(
        _ filter: Filter?, resolver: FilterResolver, translator: inout SQLFilterTranslator
    ) throws(SCIMError) -> String {
        let team = translator.teamPlaceholder
        guard let filter else { return "\(translator.row).team_id = \(team)" }
        let resolved = try resolver.resolve(filter)
        // `+ 0` keeps the team's index out of the plan, so the database reads the few ids that the e-mail or
        // membership index yields instead of walking every user or group of the team.
        let teamCondition =
            selectsByMembership(resolved)
            ? "\(translator.row).team_id + 0 = \(team)" : "\(translator.row).team_id = \(team)"
        return "\(teamCondition) AND \(try translator.condition(resolved))"
    }

    /// Returns the ORDER BY list: missing keys last in ascending order, the keys, then `seq`.
    private static func orderClause(key: String?, descending: Bool, row: String) -> String {
        guard let key else { return "\(row).seq" }
        return descending
            ? "(\(key) IS NULL) DESC, \(key) DESC, \(row).seq" : "(\(key) IS NULL), \(key), \(row).seq"
    }

    /// Whether every match must satisfy an `eq` or `sw` on `emails.value` or `members.value`, which the
    /// translator evaluates through the index of `user_emails` or `group_members`.
    private static func selectsByMembership(_ filter: ResolvedFilter) -> Bool {
        switch filter {
        case .and(let left, let right):
            return selectsByMembership(left) || selectsByMembership(right)
        case .comparison(let attribute, let op, _):
            return (op == .eq || op == .sw) && attribute.isCore
                && ["emails.value", "members.value"].contains(attribute.dottedName)
        case .valuePath(let attribute, .comparison(let inner, let op, _)):
            return (op == .eq || op == .sw) && attribute.isCore && ["emails", "members"].contains(attribute.name)
                && inner.name == "value"
        default:
            return false
        }
    }

    /// Returns the condition that selects the resources after `position` in the listing's order.
    private static func keyset(
        after position: ListingPosition, key: String?, listing: ResourceListing, row: String,
        translator: inout SQLFilterTranslator
    ) -> String {
        let seq = translator.bind(.integer(position.seq))
        guard let key else { return "\(row).seq > \(seq)" }
        let value: SQLParameter? =
            switch position.sortKey ?? .missing {
            case .string(let text): .text(text)
            case .integer(let number): .integer(number)
            case .decimal(let number): .decimal(number)
            case .bool(let flag): .boolean(flag)
            case .missing: nil
            }
        guard let value else {
            let missingAfter = "(\(key) IS NULL AND \(row).seq > \(seq))"
            return listing.descending ? "(\(missingAfter) OR \(key) IS NOT NULL)" : missingAfter
        }
        let bound = translator.bind(value)
        let tie = "(\(key) = \(bound) AND \(row).seq > \(seq))"
        return listing.descending
            ? "(\(key) < \(bound) OR \(tie))"
            : "(\(key) > \(bound) OR \(tie) OR \(key) IS NULL)"
    }

    private static func sortExpression(_ attribute: ResolvedAttribute, translator: SQLFilterTranslator)
        throws(SCIMError) -> (String, SortKind)
    {
        let row = translator.row
        if attribute.name == "meta", attribute.subAttribute == "version" { return ("\(row).version", .integer) }
        let kind: SortKind = attribute.type == .boolean ? .boolean : .text
        switch try translator.source(attribute) {
        case .scalar(let expression, _):
            return (expression, kind)
        case .milliseconds(let column):
            return (column, .integer)
        case .emailValues:
            let expression = translator.dialect.jsonPrimaryOrFirst(
                "u.search_keys", ["emails"], sub: "value", isBoolean: false)
            return (expression, kind)
        case .jsonArray(let keys, let sub):
            let expression = translator.dialect.jsonPrimaryOrFirst(
                "u.search_keys", keys, sub: sub ?? "value", isBoolean: kind == .boolean)
            return (expression, kind)
        case .members(let sub):
            let value = try translator.memberValue(sub)
            return (
                "(SELECT \(value) FROM group_members AS m JOIN users AS mu ON mu.id = m.user_id "
                    + "WHERE m.group_id = g.id ORDER BY m.seq LIMIT 1)", kind
            )
        case .object:
            throw .invalidValue("'sortBy' must name an attribute with a simple value.")
        }
    }
}

extension SQLListingQuery {
    /// Reads the position of a page row from its sort key and `seq` columns, given how a store reads
    /// a column: `isNull`, `text`, `integer` and `boolean` at an index.
    package func position(
        sortColumn: Int32, isNull: (Int32) -> Bool, text: (Int32) -> String, integer: (Int32) -> Int64,
        boolean: (Int32) -> Bool
    ) -> ListingPosition {
        let seq = integer(sortColumn + 1)
        guard let sortKind else { return ListingPosition(seq: seq) }
        guard !isNull(sortColumn) else { return ListingPosition(sortKey: .missing, seq: seq) }
        switch sortKind {
        case .text: return ListingPosition(sortKey: .string(text(sortColumn)), seq: seq)
        case .integer: return ListingPosition(sortKey: .integer(integer(sortColumn)), seq: seq)
        case .boolean: return ListingPosition(sortKey: .bool(boolean(sortColumn)), seq: seq)
        }
    }

    /// Cuts the rows of the page statement to the page and returns them with the position of the last one
    /// when more resources follow it.
    package func page<Record>(_ rows: [(Record, ListingPosition)], totalResults: Int, listing: ResourceListing)
        -> (records: [Record], next: ListingPosition?)
    {
        var kept = rows
        let moreFollow: Bool
        switch listing.page {
        case .index(let startIndex, _):
            moreFollow = max(startIndex, 1) - 1 + rows.count < totalResults
        case .after:
            moreFollow = rows.count > pageSize
            kept = Array(rows.prefix(pageSize))
        }
        return (kept.map(\.0), moreFollow ? kept.last?.1 : nil)
    }
}
