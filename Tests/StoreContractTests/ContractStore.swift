import Foundation
import SCIMCore
import SCIMSQLite
import Testing

@testable import SCIMPostgres

/// The stores the contract runs against: SQLite always, PostgreSQL when `SCIM_TEST_POSTGRES_URL` is set.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    /// The URL of a PostgreSQL server whose superuser may create databases, from `SCIM_TEST_POSTGRES_URL`.
    static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["SCIM_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    /// Every kind that can run here; without `SCIM_TEST_POSTGRES_URL` a note on stderr reports that PostgreSQL is skipped.
    static let available: [StoreKind] = {
        guard postgresURL != nil else {
            FileHandle.standardError.write(
                Data("note: SCIM_TEST_POSTGRES_URL is unset, so the store contract runs against SQLite only.\n".utf8))
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }()

    var testDescription: String { rawValue }
}

/// A fresh, empty store of one kind, removed with this object: a SQLite file in a temporary directory,
/// or a PostgreSQL database created for this test alone. It forwards every call to that store, so a
/// test that uses it keeps it alive.
final class ContractStore: StoreExport {
    let kind: StoreKind
    let store: any StoreExport
    private let cleanup: @Sendable () -> Void

    init(_ kind: StoreKind, poolSize: Int = 4) throws {
        self.kind = kind
        let logger = Logger(label: "scim.store.test", minimumLevel: .trace, sink: MemoryLogSink())
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("scimd-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: directory.appendingPathComponent("scimd.sqlite").path, logger: logger)
            cleanup = { try? FileManager.default.removeItem(at: directory) }
        case .postgres:
            let database = try TestDatabase.create()
            store = try PostgresStore(url: database.url, poolSize: poolSize, logger: logger)
            cleanup = { database.drop() }
        }
    }

    deinit {
        store.close()
        cleanup()
    }

    func read<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        try store.read(body)
    }

    func write<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        try store.write(body)
    }

    func close() {
        store.close()
    }

    func exportSnapshot() throws(SCIMError) -> StoreSnapshot {
        try store.exportSnapshot()
    }

    func importSnapshot(_ snapshot: StoreSnapshot) throws(SCIMError) {
        try store.importSnapshot(snapshot)
    }
}

/// A PostgreSQL database with a random name on the server of `SCIM_TEST_POSTGRES_URL`.
struct TestDatabase {
    let name: String
    let url: String

    /// Creates an empty database and returns it.
    static func create() throws -> TestDatabase {
        guard let serverURL = StoreKind.postgresURL else {
            throw SCIMError.internalFailure("SCIM_TEST_POSTGRES_URL is unset.")
        }
        let name = "scimd_contract_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try administer(serverURL) { try $0.executeScript("CREATE DATABASE \(name)") }
        return TestDatabase(name: name, url: databaseURL(serverURL, name: name))
    }

    /// Drops the database, ending the sessions still connected to it.
    func drop() {
        guard let serverURL = StoreKind.postgresURL else { return }
        try? Self.administer(serverURL) { try $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// Returns `serverURL` with its database path replaced by `name`.
    static func databaseURL(_ serverURL: String, name: String) -> String {
        guard var components = URLComponents(string: serverURL) else { return serverURL }
        components.path = "/\(name)"
        return components.string ?? serverURL
    }

    private static func administer(_ serverURL: String, _ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection(location: serverURL, connectTimeoutSeconds: 5)
        defer { connection.close() }
        try body(connection)
    }
}

/// Untyped-throws forms of `read` and `write`, because Swift 6.3 infers `throws(any Error)` for a test's
/// short closures. A SCIMError passes through unchanged, and any other error becomes `internalFailure`.
extension ResourceStore {
    func reading<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try read { (transaction) throws(SCIMError) -> T in try Self.rethrowAsSCIMError { try body(transaction) } }
    }

    func writing<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try write { (transaction) throws(SCIMError) -> T in try Self.rethrowAsSCIMError { try body(transaction) } }
    }

    private static func rethrowAsSCIMError<T>(_ body: () throws -> T) throws(SCIMError) -> T {
        do {
            return try body()
        } catch let error as SCIMError {
            throw error
        } catch {
            throw .internalFailure("The test closure threw \(error).")
        }
    }
}

/// Records shared by the contract cases.
enum Fixture {
    static let now: Int64 = 1_700_000_000_000

    static func userID(_ number: Int, teamID: Int64) -> String {
        "user-\(teamID)-\(number)"
    }

    static func groupID(_ number: Int, teamID: Int64) -> String {
        "group-\(teamID)-\(number)"
    }

    /// Builds a user whose fields all differ from its neighbours', numbered from 1.
    static func makeUser(_ number: Int, teamID: Int64, active: Bool = true) -> UserRecord {
        UserRecord(
            id: userID(number, teamID: teamID), teamID: teamID, userName: "user\(number)@example.com",
            givenName: "Given\(number)", familyName: number.isMultiple(of: 2) ? nil : "Family\(number)",
            externalID: "ext-\(number)", active: active, created: now + Int64(number),
            lastModified: now + Int64(number) + 1, version: 1)
    }

    /// Builds a group named "Group <number>", without an externalId.
    static func makeGroup(_ number: Int, teamID: Int64) -> GroupRecord {
        GroupRecord(
            id: groupID(number, teamID: teamID), teamID: teamID, displayName: "Group \(number)",
            created: now + Int64(number), lastModified: now + Int64(number) + 1)
    }

    /// Inserts a team with `userCount` active users and `groupCount` empty groups, numbered from 1.
    ///
    /// Each userName starts with the team name, because userNames are unique across teams.
    static func insertTeam(
        _ name: String, userCount: Int, groupCount: Int = 0, in store: any ResourceStore
    ) throws -> TeamRecord {
        try store.writing { transaction -> TeamRecord in
            let team = try transaction.insertTeam(name: name, domains: [], now: now)
            for number in stride(from: 1, through: userCount, by: 1) {
                var user = makeUser(number, teamID: team.id)
                user.userName = "\(name).user\(number)@example.com"
                try transaction.insertUser(user)
            }
            for number in stride(from: 1, through: groupCount, by: 1) {
                try transaction.insertGroup(makeGroup(number, teamID: team.id))
            }
            return team
        }
    }
}
