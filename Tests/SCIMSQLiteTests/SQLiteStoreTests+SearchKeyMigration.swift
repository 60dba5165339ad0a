import Foundation
import SCIMCore
import Testing

@testable import SCIMSQLite

/// Migration 3 computes the folded search keys of rows written by an older build.
struct SQLiteSearchKeyMigrationTests {
    @Test func version2FileGainsSearchKeysOfExistingRows() throws {
        let database = try TemporaryDatabase()
        #expect(FileManager.default.createFile(atPath: database.path, contents: nil))
        do {
            let raw = try database.openRawConnection()
            try raw.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
            for statement in SQLiteMigration.initialSchema.statements + SQLiteMigration.groups.statements {
                try raw.execute(statement)
            }
            try raw.execute("INSERT INTO schema_migrations VALUES (1, 0), (2, 0)")
            try raw.execute(
                "INSERT INTO teams (name, created, user_count, active_count, next_seq) VALUES ('alpha', 0, 1, 1, 2)")
            try raw.execute(
                #"""
                INSERT INTO users (id, team_id, seq, user_name, user_name_key, active, role, created, last_modified,
                    version, extra)
                VALUES ('u1', 1, 1, 'Öla@x.example', 'öla@x.example', 1, 'member', 0, 0, 1,
                    '{"displayName":"ÖLAF Å","emails":[{"value":"Ölaf@Work.example","type":"Work"}]}')
                """#)
            try raw.execute(
                "INSERT INTO groups (id, team_id, seq, display_name, display_name_key, created, last_modified, version) VALUES ('g1', 1, 1, 'G', 'g', 0, 0, 1)"
            )
            try raw.execute(
                "INSERT INTO group_members (group_id, user_id, display, type, seq) VALUES ('g1', 'u1', 'ÅSA', 'User', 1)"
            )
        }

        let store = try database.openStore()
        defer { store.close() }
        func users(_ filter: String) throws -> [String] {
            let listing = ResourceListing(
                filter: try FilterParser.parse(filter), page: .index(startIndex: 1, count: 10))
            return try store.read { try $0.users(teamID: 1, listing: listing) }.users.map(\.id)
        }
        func groups(_ filter: String) throws -> [String] {
            let listing = ResourceListing(
                filter: try FilterParser.parse(filter), page: .index(startIndex: 1, count: 10))
            return try store.read { try $0.groups(teamID: 1, listing: listing) }.groups.map(\.id)
        }

        #expect(try users(#"displayName eq "ölaf å""#) == ["u1"])
        #expect(try users(#"emails.value eq "ÖLAF@work.example""#) == ["u1"])
        #expect(try users(#"emails[type eq "work" and value sw "ölaf@"]"#) == ["u1"])
        #expect(try groups(#"members[display eq "åsa" and type eq "USER"]"#) == ["g1"])
        let raw = try database.openRawConnection()
        let latest = try #require(SQLiteMigration.all.last?.version)
        #expect(try raw.text("SELECT max(version) FROM schema_migrations") == String(latest))
        #expect(try raw.text("SELECT value_key FROM user_emails WHERE user_id = 'u1'") == "ölaf@work.example")
    }
}
