import Foundation
import SCIMCore
import Synchronization
import Testing

@testable import SCIMSQLite

struct SQLiteStoreTests {
    static let now: Int64 = 1_700_000_000_000

    // MARK: - Opening and migrations

    @Test func openCreatesMissingFileInWALMode() throws {
        let database = try TemporaryDatabase()
        #expect(!FileManager.default.fileExists(atPath: database.path))

        let store = try database.openStore()
        defer { store.close() }

        #expect(FileManager.default.fileExists(atPath: database.path))
        let raw = try database.openRawConnection()
        #expect(try raw.text("PRAGMA journal_mode") == "wal")
        #expect(try store.read { try $0.team(id: 1) } == nil)
    }

    @Test func openFailsWithMessageNamingPath() throws {
        let path = "/nonexistent-scimd-directory/\(UUID().uuidString)/scimd.sqlite"
        let logger = Logger(label: "scim.sqlite.test", sink: MemoryLogSink())

        let error = #expect(throws: SCIMError.self) { try SQLiteStore(path: path, logger: logger) }

        #expect(error?.status == 500)
        #expect(error?.underlying?.contains(path) == true)
    }

    @Test func reopeningAppliesEachMigrationOnce() throws {
        let database = try TemporaryDatabase()
        let first = try database.openStore()
        _ = try first.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        first.close()

        let second = try database.openStore()
        defer { second.close() }
        let third = try database.openStore()
        defer { third.close() }

        let raw = try database.openRawConnection()
        #expect(try raw.text("SELECT count(*) FROM schema_migrations") == String(SQLiteMigration.all.count))
        #expect(try third.read { try $0.team(named: "alpha") }?.id == 1)
    }

    @Test func schemaNewerThanBuildIsRejected() throws {
        let database = try TemporaryDatabase()
        try database.openStore().close()
        try database.openRawConnection().execute("INSERT INTO schema_migrations VALUES (999, 0)")

        let error = #expect(throws: SCIMError.self) { try database.openStore() }

        #expect(error?.status == 500)
        #expect(error?.underlying?.contains("schema version 999") == true)
    }

    @Test func committedWriteSurvivesReopen() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: ["example.com"], now: Self.now) }
        try store.write { try $0.insertUser(Self.makeUser(1, teamID: team.id)) }
        store.close()

        let reopened = try database.openStore()
        defer { reopened.close() }
        let user = try reopened.read { try $0.user(id: Self.userID(1, teamID: team.id)) }

        #expect(user == Self.makeUser(1, teamID: team.id))
        #expect(try reopened.read { try $0.team(id: team.id) } == team)
    }

    // MARK: - Teams

    @Test func insertedTeamIsFoundByNameAndID() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let team = try store.write {
            try $0.insertTeam(name: "alpha", domains: ["b.example", "a.example", "b.example"], now: Self.now)
        }

        let expected = TeamRecord(id: team.id, name: "alpha", domains: ["b.example", "a.example"], isDeleted: false)
        #expect(team == expected)
        #expect(try store.read { try $0.team(named: "alpha") } == expected)
        #expect(try store.read { try $0.team(id: team.id) } == expected)
        #expect(try store.read { try $0.team(named: "Alpha") } == nil)
        #expect(try store.read { try $0.team(id: team.id + 1) } == nil)
    }

    @Test func teamNameTakenThrowsUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        try store.write { try $0.markTeamDeleted(id: team.id, now: Self.now) }

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.insertTeam(name: "alpha", domains: ["x.example"], now: Self.now) }
        }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
    }

    @Test func deletedTeamStaysVisible() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: ["a.example"], now: Self.now) }

        try store.write { try $0.markTeamDeleted(id: team.id, now: Self.now + 1) }

        let stored = try store.read { try $0.team(id: team.id) }
        #expect(stored?.isDeleted == true)
        #expect(stored?.domains == ["a.example"])
    }

    // MARK: - API keys

    @Test func keysAreListedOldestFirstAndRevokedOnce() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        let newer = APIKeyRecord(id: "k2", teamID: team.id, adminUserID: "u", secretDigest: [2], created: Self.now + 5)
        let older = APIKeyRecord(id: "k1", teamID: team.id, adminUserID: "u", secretDigest: [1], created: Self.now)
        try store.write { transaction in
            try transaction.insertKey(newer)
            try transaction.insertKey(older)
        }

        let firstRevoke = try store.write { try $0.revokeKey(id: "k1", now: Self.now + 9) }
        let secondRevoke = try store.write { try $0.revokeKey(id: "k1", now: Self.now + 10) }
        let unknownRevoke = try store.write { try $0.revokeKey(id: "missing", now: Self.now) }
        let keys = try store.read { try $0.keys(teamID: team.id) }

        #expect(firstRevoke)
        #expect(!secondRevoke)
        #expect(!unknownRevoke)
        var revokedOlder = older
        revokedOlder.revoked = Self.now + 9
        #expect(keys == [revokedOlder, newer])
    }

    @Test func duplicateKeyIDThrowsUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        let key = APIKeyRecord(id: "k1", teamID: team.id, adminUserID: "u", secretDigest: [1], created: Self.now)
        try store.write { try $0.insertKey(key) }

        let error = #expect(throws: SCIMError.self) { try store.write { try $0.insertKey(key) } }

        #expect(error?.scimType == .uniqueness)
    }

    @Test func credentialJoinsKeyTeamAndAdmin() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write {
            try $0.insertTeam(name: "alpha", domains: ["a.example", "b.example"], now: Self.now)
        }
        var admin = Self.makeUser(1, teamID: team.id)
        admin.role = .admin
        let digest = [UInt8](repeating: 0xAB, count: 32)
        let key = APIKeyRecord(
            id: "00ff", teamID: team.id, adminUserID: admin.id, secretDigest: digest, created: Self.now)
        let orphan = APIKeyRecord(id: "0100", teamID: team.id, adminUserID: "gone", secretDigest: [], created: Self.now)
        try store.write { transaction in
            try transaction.insertUser(admin)
            try transaction.insertKey(key)
            try transaction.insertKey(orphan)
        }

        let credential = try store.read { try $0.credential(keyID: "00ff") }
        let orphanCredential = try store.read { try $0.credential(keyID: "0100") }
        let missing = try store.read { try $0.credential(keyID: "ffff") }

        #expect(credential == CredentialRecord(key: key, team: team, admin: admin))
        #expect(orphanCredential == CredentialRecord(key: orphan, team: team, admin: nil))
        #expect(missing == nil)
    }

    @Test func credentialShowsDeletedTeamAndRevokedKey() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        let key = APIKeyRecord(id: "k1", teamID: team.id, adminUserID: "u", secretDigest: [1], created: Self.now)
        try store.write { try $0.insertKey(key) }

        try store.write { transaction in
            try transaction.markTeamDeleted(id: team.id, now: Self.now)
            _ = try transaction.revokeKey(id: "k1", now: Self.now + 1)
        }
        let credential = try store.read { try $0.credential(keyID: "k1") }

        #expect(credential?.team.isDeleted == true)
        #expect(credential?.key.revoked == Self.now + 1)
    }

    // MARK: - Transactions and failures

    @Test func throwingWriteLeavesNothingBehind() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let error = #expect(throws: SCIMError.self) {
            try store.write { transaction in
                let team = try transaction.insertTeam(name: "alpha", domains: ["a.example"], now: Self.now)
                try transaction.insertUser(Self.makeUser(1, teamID: team.id))
                throw SCIMError.invalidValue("stop here")
            }
        }

        #expect(error?.status == 400)
        #expect(error?.detail == "stop here")
        #expect(try store.read { try $0.team(named: "alpha") } == nil)
        #expect(try store.read { try $0.user(userName: "user1@example.com") } == nil)
        let raw = try database.openRawConnection()
        #expect(try raw.text("SELECT count(*) FROM team_domains") == "0")
    }

    @Test func triggerFailureIsInternalNotUniqueness() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        try database.openRawConnection().execute(
            "CREATE TRIGGER fail_insert BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'injected failure'); END")

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.insertUser(Self.makeUser(1, teamID: team.id)) }
        }

        #expect(error?.status == 500)
        #expect(error?.scimType == nil)
        #expect(error?.underlying?.contains("injected failure") == true)
        // SQLITE_CONSTRAINT_TRIGGER is 19 | (7 << 8).
        #expect(error?.underlying?.contains("extended code 1811") == true)
        #expect(
            try store.read { try $0.users(teamID: team.id, matching: UserQuery(), startIndex: 1, count: 10) }
                == UserPage(totalResults: 0, users: []))
    }

    @Test func missingTableIsInternalFailure() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }
        let team = try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        try store.write { try $0.insertUser(Self.makeUser(1, teamID: team.id)) }
        try database.openRawConnection().execute("ALTER TABLE users RENAME TO users_moved")

        let readError = #expect(throws: SCIMError.self) { try store.read { try $0.user(id: "x") } }
        let writeError = #expect(throws: SCIMError.self) {
            try store.write { try $0.insertUser(Self.makeUser(2, teamID: team.id)) }
        }

        #expect(readError?.status == 500)
        #expect(readError?.underlying?.contains("no such table") == true)
        #expect(writeError?.status == 500)
        #expect(writeError?.scimType == nil)
    }

    @Test func lockHeldElsewhereMapsToUnavailable() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore(busyTimeoutMilliseconds: 100)
        defer { store.close() }
        let raw = try database.openRawConnection()
        try raw.execute("BEGIN IMMEDIATE")
        defer { try? raw.execute("ROLLBACK") }

        let error = #expect(throws: SCIMError.self) {
            try store.write { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        }

        #expect(error?.status == 503)
        #expect(error?.underlying?.contains("locked") == true)
    }

    @Test func writeInsideReadThrows() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let error = #expect(throws: SCIMError.self) {
            try store.read { try $0.insertTeam(name: "alpha", domains: [], now: Self.now) }
        }

        #expect(error?.status == 500)
        #expect(try store.read { try $0.team(named: "alpha") } == nil)
    }

    @Test func transactionUsedAfterClosureThrows() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()
        defer { store.close() }

        let escaped = try store.write { $0 }

        #expect(throws: SCIMError.self) { try escaped.insertTeam(name: "alpha", domains: [], now: Self.now) }
        #expect(try store.read { try $0.team(named: "alpha") } == nil)
    }

    @Test func closedStoreIsUnavailable() throws {
        let database = try TemporaryDatabase()
        let store = try database.openStore()

        store.close()

        let readError = #expect(throws: SCIMError.self) { try store.read { try $0.team(id: 1) } }
        let writeError = #expect(throws: SCIMError.self) { try store.write { try $0.team(id: 1) } }
        #expect(readError?.status == 503)
        #expect(writeError?.status == 503)
    }

    // MARK: - Helpers

    static func userID(_ number: Int, teamID: Int64) -> String {
        "user-\(teamID)-\(number)"
    }

    /// Builds a user whose fields all differ from its neighbours', numbered from 1.
    static func makeUser(_ number: Int, teamID: Int64, active: Bool = true) -> UserRecord {
        UserRecord(
            id: userID(number, teamID: teamID), teamID: teamID, userName: "user\(number)@example.com",
            givenName: "Given\(number)", familyName: number.isMultiple(of: 2) ? nil : "Family\(number)",
            externalID: "ext-\(number)", active: active, created: now + Int64(number),
            lastModified: now + Int64(number) + 1, version: 1)
    }
}
