import Foundation
import SCIMCore
import Testing

@testable import SCIMSQLite

/// Migrations applied to files that earlier builds wrote.
struct SQLiteMigrationTests {
    /// Writes a file at schema version 2 with team 1, an active and an inactive user, and a group that
    /// has both as members.
    private func makeVersion2File(_ database: TemporaryDatabase) throws {
        #expect(FileManager.default.createFile(atPath: database.path, contents: nil))
        let raw = try database.openRawConnection()
        try raw.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        for statement in SQLiteMigration.initialSchema.statements + SQLiteMigration.groups.statements {
            try raw.execute(statement)
        }
        try raw.execute("INSERT INTO schema_migrations VALUES (1, 0), (2, 0)")
        try raw.execute(
            """
            INSERT INTO teams (id, name, created, user_count, active_count, next_seq, group_count, next_group_seq)
            VALUES (1, 'alpha', 0, 2, 1, 3, 1, 2)
            """)
        try raw.execute(
            """
            INSERT INTO users (id, team_id, seq, user_name, user_name_key, active, role, created, last_modified, version)
            VALUES ('u1', 1, 1, 'one@example.com', 'one@example.com', 1, 'admin', 0, 0, 1),
                   ('u2', 1, 2, 'two@example.com', 'two@example.com', 0, 'member', 0, 0, 1)
            """)
        try raw.execute(
            """
            INSERT INTO groups (id, team_id, seq, display_name, display_name_key, created, last_modified, version,
                next_member_seq)
            VALUES ('g1', 1, 1, 'Ops', 'ops', 0, 0, 1, 3)
            """)
        try raw.execute("INSERT INTO group_members (group_id, user_id, seq) VALUES ('g1', 'u1', 1), ('g1', 'u2', 2)")
    }

    @Test func version2FileKeepsMembershipsAndCountsInactiveUsers() throws {
        let database = try TemporaryDatabase()
        try makeVersion2File(database)

        let store = try database.openStore()
        defer { store.close() }

        let raw = try database.openRawConnection()
        let latest = try #require(SQLiteMigration.all.last?.version)
        #expect(try raw.text("SELECT max(version) FROM schema_migrations") == String(latest))
        #expect(try raw.text("SELECT count(*) FROM group_members") == "2")
        #expect(try raw.text("SELECT inactive_count FROM teams WHERE id = 1") == "1")
        let members = try store.read { try $0.members(groupID: "g1") }
        #expect(members.map(\.userID) == ["u1", "u2"])
        let user = try store.read { try $0.user(id: "u2") }
        #expect(user?.active == false)
        #expect(user?.passwordHash == nil)
    }

    @Test func migratedFileStoresUnassignedActiveAndKeepsCascades() throws {
        let database = try TemporaryDatabase()
        try makeVersion2File(database)
        let store = try database.openStore()
        defer { store.close() }
        var user = try #require(try store.read { try $0.user(id: "u1") })
        user.active = nil
        user.passwordHash = "$pbkdf2-sha256$i=1$c2FsdA$a2V5"

        try store.write { try $0.updateUser(user) }
        try store.write { try $0.deleteUser(id: "u2") }

        let raw = try database.openRawConnection()
        #expect(try raw.text("SELECT active IS NULL FROM users WHERE id = 'u1'") == "1")
        #expect(try raw.text("SELECT active_count || ',' || inactive_count || ',' || user_count FROM teams") == "0,0,1")
        #expect(try raw.text("SELECT group_concat(user_id) FROM group_members") == "u1")
        #expect(try store.read { try $0.user(id: "u1") } == user)
    }
}
