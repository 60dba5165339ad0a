import SCIMCore
import SCIMSQL

/// The `rfc` profile's listings: any filter and `sortBy`, translated to SQL by ``SQLListingQuery``.
extension SQLiteTransaction {
    func users(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedUsers {
        try requireOpen()
        let query = try SQLListingQuery(
            .users, teamID: teamID, listing: listing, columns: Self.userColumns, dialect: SQLiteDialect())
        let total = try count(query)
        let rows = try pageRows(query, recordColumns: Self.userColumnCount) { row throws(SCIMError) in
            try Self.decodeUser(row)
        }
        let page = query.page(rows, totalResults: total, listing: listing)
        return ListedUsers(totalResults: total, users: page.records, next: page.next)
    }

    func groups(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedGroups {
        try requireOpen()
        let query = try SQLListingQuery(
            .groups, teamID: teamID, listing: listing, columns: Self.groupColumns, dialect: SQLiteDialect())
        let total = try count(query)
        let rows = try pageRows(query, recordColumns: 7) { row throws(SCIMError) in Self.decodeGroup(row) }
        let page = query.page(rows, totalResults: total, listing: listing)
        return ListedGroups(totalResults: total, groups: page.records, next: page.next)
    }

    private func count(_ query: SQLListingQuery) throws(SCIMError) -> Int {
        let total = try connection.queryGenerated(query.countSQL, try Self.values(query.countParameters)) {
            $0.integer(0)
        }
        return Int(total.first ?? 0)
    }

    private func pageRows<Record>(
        _ query: SQLListingQuery, recordColumns: Int32, decode: (SQLiteRow) throws(SCIMError) -> Record
    ) throws(SCIMError) -> [(Record, ListingPosition)] {
        guard let sql = query.pageSQL else { return [] }
        return try connection.queryGenerated(sql, try Self.values(query.pageParameters)) { row throws(SCIMError) in
            let position = query.position(
                sortColumn: recordColumns, isNull: row.isNull, text: row.text, integer: row.integer,
                boolean: row.boolean)
            return (try decode(row), position)
        }
    }

    static func values(_ parameters: [SQLParameter]) throws(SCIMError) -> [SQLiteValue] {
        var values: [SQLiteValue] = []
        for parameter in parameters {
            switch parameter {
            case .text(let text): values.append(.text(text))
            case .integer(let number): values.append(.integer(number))
            case .boolean(let flag): values.append(.boolean(flag))
            case .decimal:
                // No attribute of the User, enterprise or Group schema is a decimal.
                throw .internalFailure("The SQLite store cannot compare decimal values.")
            }
        }
        return values
    }
}
