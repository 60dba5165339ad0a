import SCIMCore
import SCIMSQL
import Testing

@testable import SCIMSQLite

/// The `eq` and `sw` filters that identity providers send most go through an index, never a scan of the
/// users or groups table (EXPLAIN QUERY PLAN of the page and count statements).
struct SQLiteQueryPlanTests {
    /// Filters and the index each must use.
    static let userFilters: [(String, String)] = [
        (#"userName eq "a@b.example""#, "sqlite_autoindex_users_2"),
        (#"userName sw "a""#, "users_team_user_name_key"),
        (#"externalId eq "x""#, "users_team_external_id_seq"),
        (#"externalId sw "x""#, "users_team_external_id_seq"),
        (#"emails.value eq "a@b.example""#, "user_emails_team_value_key"),
        (#"emails.value sw "a""#, "user_emails_team_value_key"),
        (#"emails[value eq "a@b.example"]"#, "user_emails_team_value_key"),
        (#"emails[type eq "work"].value eq "a@b.example" and active eq true"#, "user_emails_team_value_key"),
        (#"displayName eq "x""#, "users_team_display_name_key_seq"),
        (#"displayName sw "x""#, "users_team_display_name_key_seq"),
        (#"id eq "abc""#, "sqlite_autoindex_users_1"),
        (#"id sw "ab""#, "users_team_id"),
    ]
    static let groupFilters: [(String, String)] = [
        (#"displayName eq "x""#, "groups_team_display_name_key"),
        (#"displayName sw "x""#, "groups_team_display_name_key"),
        (#"externalId eq "x""#, "groups_team_external_id_seq"),
        (#"externalId sw "x""#, "groups_team_external_id_seq"),
        (#"id eq "abc""#, "sqlite_autoindex_groups_1"),
        (#"id sw "ab""#, "groups_team_id"),
        (#"members.value eq "abc""#, "group_members_user"),
        (#"members[value sw "ab"]"#, "group_members_user"),
    ]

    @Test(arguments: userFilters)
    func userFilterUsesIndex(filter: String, index: String) throws {
        let plans = try Self.plans(.users, filter: filter)

        for plan in plans {
            #expect(plan.contains { $0.contains("USING") && $0.contains(index) }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN u") }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SEARCH u") && $0.hasSuffix("(team_id=?)") }, "\(filter): \(plan)")
        }
    }

    @Test(arguments: groupFilters)
    func groupFilterUsesIndex(filter: String, index: String) throws {
        let plans = try Self.plans(.groups, filter: filter)

        for plan in plans {
            #expect(plan.contains { $0.contains("USING") && $0.contains(index) }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN g") }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SEARCH g") && $0.hasSuffix("(team_id=?)") }, "\(filter): \(plan)")
        }
    }

    /// Returns the query plan lines of the page and count statements of a listing with `filter`.
    static func plans(_ resource: SQLFilterTranslator.Resource, filter: String) throws -> [[String]] {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        try fillOneLargeTeam(database)
        let listing = ResourceListing(filter: try FilterParser.parse(filter), page: .index(startIndex: 1, count: 10))

        return try store.read { transaction in
            let sqlite = try #require(transaction as? SQLiteTransaction)
            let columns = resource == .users ? SQLiteTransaction.userColumns : SQLiteTransaction.groupColumns
            let query = try SQLListingQuery(
                resource, teamID: 1, listing: listing, columns: columns, dialect: SQLiteDialect())
            let page = try #require(query.pageSQL)
            return [
                try plan(page, query.pageParameters, on: sqlite),
                try plan(query.countSQL, query.countParameters, on: sqlite),
            ]
        }
    }

    /// Fills one team with 5,000 users, e-mails, groups and memberships and refreshes the planner
    /// statistics, as the store does at start, so the plans are those of a real team, where
    /// `team_id = ?` selects every row.
    private static func fillOneLargeTeam(_ database: TemporaryDatabase) throws {
        let raw = try database.openRawConnection()
        try raw.execute(
            """
            INSERT INTO teams (id, name, created) VALUES (1, 'large', 0);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
            INSERT INTO users (id, team_id, seq, user_name, user_name_key, external_id, active, role, created,
                last_modified, version, display_name_key, search_keys)
            SELECT 'u' || i, 1, i, 'user' || i || '@x.example', 'user' || i || '@x.example', 'ext' || i, i % 10 != 0,
                'member', 0, 0, 1, 'name ' || i, '{"emails":[{"type":"work","value":"mail' || i || '@x.example"}]}'
            FROM n;
            INSERT INTO user_emails (user_id, position, team_id, value_key)
            SELECT id, 0, 1, 'mail' || seq || '@x.example' FROM users;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
            INSERT INTO groups (id, team_id, seq, display_name, display_name_key, external_id, created,
                last_modified, version)
            SELECT 'g' || i, 1, i, 'Group ' || i, 'group ' || i, 'ext' || i, 0, 0, 1 FROM n;
            INSERT INTO group_members (group_id, user_id, seq) SELECT 'g' || seq, 'u' || seq, 1 FROM groups;
            PRAGMA analysis_limit = 400;
            ANALYZE;
            """)
    }

    private static func plan(_ sql: String, _ parameters: [SQLParameter], on transaction: SQLiteTransaction) throws
        -> [String]
    {
        try transaction.connection.queryUncached("EXPLAIN QUERY PLAN " + sql, SQLiteTransaction.values(parameters)) {
            $0.text(3)
        }
    }
}
