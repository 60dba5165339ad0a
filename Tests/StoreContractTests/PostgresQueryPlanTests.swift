import SCIMCore
import SCIMSQL
import Testing

@testable import SCIMPostgres

/// The `eq` and `sw` filters that identity providers send most go through an index, never a scan of the
/// users or groups table. The test reads EXPLAIN of the page and count statements over 5,000 users and
/// 2,000 groups in one team, after ANALYZE, so that the planner weighs real row counts.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "SCIM_TEST_POSTGRES_URL is unset"))
struct PostgresQueryPlanTests {
    static let userFilters: [(String, String)] = [
        (#"userName eq "a@b.example""#, "users_team_user_name_key"),
        (#"userName sw "a""#, "users_team_user_name_key"),
        (#"externalId eq "x""#, "users_team_external_id_seq"),
        (#"externalId sw "x""#, "users_team_external_id_seq"),
        (#"emails.value eq "a@b.example""#, "user_emails_team_value_key"),
        (#"emails.value sw "a""#, "user_emails_team_value_key"),
        (#"emails[value eq "a@b.example"]"#, "user_emails_team_value_key"),
        (#"emails[type eq "work"].value eq "a@b.example" and active eq true"#, "user_emails_team_value_key"),
        (#"displayName eq "x""#, "users_team_display_name_key_seq"),
        (#"displayName sw "x""#, "users_team_display_name_key_seq"),
        (#"id eq "abc""#, "users_id_c"),
        (#"id sw "ab""#, "users_id_c"),
    ]
    static let groupFilters: [(String, String)] = [
        (#"displayName eq "x""#, "groups_team_display_name_key_c"),
        (#"displayName sw "x""#, "groups_team_display_name_key_c"),
        (#"externalId eq "x""#, "groups_team_external_id_c"),
        (#"externalId sw "x""#, "groups_team_external_id_c"),
        (#"id eq "abc""#, "groups_id_c"),
        (#"id sw "ab""#, "groups_id_c"),
        (#"members.value eq "abc""#, "group_members_user_c"),
        (#"members[value sw "ab"]"#, "group_members_user_c"),
    ]

    @Test(arguments: userFilters)
    func userFilterUsesIndex(filter: String, index: String) throws {
        let plans = try Self.plans(.users, filter: filter)

        for plan in plans {
            #expect(plan.contains { $0.contains("Index") && $0.contains(index) }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.contains("Seq Scan on users") }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.contains("users_team_seq") }, "\(filter): \(plan)")
        }
    }

    @Test(arguments: groupFilters)
    func groupFilterUsesIndex(filter: String, index: String) throws {
        let plans = try Self.plans(.groups, filter: filter)

        for plan in plans {
            #expect(plan.contains { $0.contains("Index") && $0.contains(index) }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.contains("Seq Scan on groups") }, "\(filter): \(plan)")
            #expect(!plan.contains { $0.contains("groups_team_seq") }, "\(filter): \(plan)")
        }
    }

    /// Statements that fill team 1 with rows whose keys are all distinct, then gather statistics.
    static let populate = [
        "INSERT INTO teams (id, name, created) VALUES (1, 'plans', 0)",
        """
        INSERT INTO users (id, team_id, seq, user_name, user_name_key, external_id, active, role, created,
            last_modified, version, display_name_key)
        SELECT 'u' || i, 1, i, 'user' || i || '@x.example', 'user' || i || '@x.example', 'ext' || i, true, 'member',
            i, i, 1, 'name ' || i
        FROM generate_series(1, 5000) AS i
        """,
        "INSERT INTO user_emails (user_id, position, team_id, value_key) SELECT 'u' || i, 0, 1, 'mail' || i || '@x.example' FROM generate_series(1, 5000) AS i",
        """
        INSERT INTO groups (id, team_id, seq, display_name, display_name_key, external_id, created, last_modified, version)
        SELECT 'g' || i, 1, i, 'Group ' || i, 'group ' || i, 'ext' || i, i, i, 1 FROM generate_series(1, 2000) AS i
        """,
        "INSERT INTO group_members (group_id, user_id, seq) SELECT 'g' || i, 'u' || i, 1 FROM generate_series(1, 2000) AS i",
        "ANALYZE",
    ]

    /// Returns the plan lines of the page and count statements of a listing with `filter`.
    static func plans(_ resource: SQLFilterTranslator.Resource, filter: String) throws -> [[String]] {
        let store = try ContractStore(.postgres)
        try store.writing { transaction in
            let postgres = try #require(transaction as? PostgresTransaction)
            for statement in populate { try postgres.connection.executeScript(statement) }
        }
        let listing = ResourceListing(filter: try FilterParser.parse(filter), page: .index(startIndex: 1, count: 10))

        return try store.reading { transaction in
            let postgres = try #require(transaction as? PostgresTransaction)
            let columns = resource == .users ? PostgresTransaction.userColumns : PostgresTransaction.groupColumns
            let query = try SQLListingQuery(
                resource, teamID: 1, listing: listing, columns: columns, dialect: PostgresDialect())
            let page = try #require(query.pageSQL)
            return [
                try plan(page, query.pageParameters, on: postgres),
                try plan(query.countSQL, query.countParameters, on: postgres),
            ]
        }
    }

    private static func plan(_ sql: String, _ parameters: [SQLParameter], on transaction: PostgresTransaction) throws
        -> [String]
    {
        try transaction.connection.queryUncached("EXPLAIN " + sql, PostgresTransaction.values(parameters)) {
            $0.text(0)
        }
    }
}
