import Dispatch
import Foundation
import SCIMCore
import Synchronization
import Testing

@testable import SCIMPostgres

/// What only the PostgreSQL store does: fail fast when the server is away, migrate safely from several
/// nodes at once, and count rate limits in the database.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "SCIM_TEST_POSTGRES_URL is unset"))
struct PostgresStoreTests {
    let logger = Logger(label: "scim.store.test", minimumLevel: .trace, sink: MemoryLogSink())

    @Test func unreachableServerFailsFastWithUnavailable() throws {
        let started = ContinuousClock.now

        let error = #expect(throws: SCIMError.self) {
            try PostgresStore(url: "postgresql://postgres@127.0.0.1:1/scimd", poolSize: 1, logger: logger)
        }

        #expect(error?.status == 503)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func storesOpeningAtOnceApplyEachMigrationOnce() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let opened = Mutex<[Result<PostgresStore, SCIMError>]>([])

        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let result = Result { () throws(SCIMError) -> PostgresStore in
                try PostgresStore(url: database.url, poolSize: 1, logger: logger)
            }
            opened.withLock { $0.append(result) }
        }

        let stores = try opened.withLock { try $0.map { try $0.get() } }
        defer { for store in stores { store.close() } }
        let versions = try stores[0].pool.withConnection { (connection, _) throws(SCIMError) in
            try connection.query("SELECT version FROM schema_migrations ORDER BY version") { $0.integer(0) }
        }
        #expect(versions == PostgresMigration.all.map(\.version))
    }

    @Test func rateLimitIsSharedByTwoNodes() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let first = try PostgresStore(url: database.url, poolSize: 2, logger: logger)
        defer { first.close() }
        let second = try PostgresStore(url: database.url, poolSize: 2, logger: logger)
        defer { second.close() }
        let limiters = [first, second].map { PostgresRateLimiter(store: $0, readsPerMinute: 0, writesPerMinute: 3) }
        let now: Int64 = 1_700_000_000_000

        let accepted = try (0..<3).map { try limiters[$0 % 2].admit(teamID: 7, bucket: .write, now: now + Int64($0)) }
        let fourth = try limiters[1].admit(teamID: 7, bucket: .write, now: now + 10_000)
        let otherTeam = try limiters[0].admit(teamID: 8, bucket: .write, now: now + 10_000)
        let reads = try limiters[0].admit(teamID: 7, bucket: .read, now: now + 10_000)
        let afterWindow = try limiters[0].admit(teamID: 7, bucket: .write, now: now + 60_000)

        #expect(accepted == [.allowed, .allowed, .allowed])
        #expect(fourth == .limited(limit: 3, retryAfterSeconds: 50))
        #expect(otherTeam == .allowed)
        #expect(reads == .allowed)
        #expect(afterWindow == .allowed)
    }

    @Test func concurrentAdmissionsNeverExceedTheLimit() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let stores = try (0..<2).map { _ in try PostgresStore(url: database.url, poolSize: 4, logger: logger) }
        defer { for store in stores { store.close() } }
        let limiters = stores.map { PostgresRateLimiter(store: $0, readsPerMinute: 25, writesPerMinute: 0) }
        let allowed = Atomic<Int>(0)
        let failures = Mutex<[String]>([])

        DispatchQueue.concurrentPerform(iterations: 60) { index in
            do {
                let decision = try limiters[index % 2].admit(teamID: 1, bucket: .read, now: Timestamp.nowMilliseconds())
                if decision == .allowed { allowed.add(1, ordering: .relaxed) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }

        #expect(failures.withLock { $0 } == [])
        #expect(allowed.load(ordering: .relaxed) == 25)
    }

    @Test func locationRedactsPasswords() {
        #expect(
            PostgresLocation.redacted("postgresql://scimd:secret@db:5432/scimd")
                == "postgresql://scimd:***@db:5432/scimd")
        #expect(
            PostgresLocation.redacted("postgres://db/scimd?password=secret&sslmode=require")
                == "postgres://db/scimd?password=***&sslmode=require")
        #expect(PostgresLocation.redacted("postgres://scimd@db/scimd") == "postgres://scimd@db/scimd")
        #expect(PostgresLocation.isPostgresURL("postgresql://db/x"))
        #expect(!PostgresLocation.isPostgresURL("./scimd.sqlite"))
    }
}
