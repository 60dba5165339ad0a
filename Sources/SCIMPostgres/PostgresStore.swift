package import SCIMCore

/// A ``ResourceStore`` in a PostgreSQL database that several scimd nodes may share.
///
/// Each transaction borrows a connection from a pool. Writes run at READ COMMITTED and lock the rows
/// they read and then change (`FOR UPDATE` on the user, group or team row), so concurrent requests on
/// any node change one resource in turn. Reads run at REPEATABLE READ, READ ONLY, and see one snapshot.
/// A write that PostgreSQL aborts for a deadlock or serialization failure runs again, up to
/// ``maxWriteAttempts`` times.
package final class PostgresStore: ResourceStore {
    /// How many times a write runs when PostgreSQL keeps aborting it as a deadlock victim.
    package static let maxWriteAttempts = 3

    let pool: PostgresPool
    private let logger: Logger

    /// Connects to the database at `url`, applies the migrations it lacks, and keeps the connection
    /// for the pool.
    ///
    /// - Parameters:
    ///   - url: a `postgres://` or `postgresql://` URL, or any libpq connection string.
    ///   - poolSize: the most connections open at once, at least 1.
    ///   - connectTimeoutSeconds: how long a connection attempt waits for the server; libpq waits at
    ///     least 2 seconds.
    /// - Throws: `unavailable` when the server cannot be reached; `internalFailure` when migrating fails.
    package init(
        url: String, poolSize: Int, connectTimeoutSeconds: Int = 2, logger: Logger
    ) throws(SCIMError) {
        pool = PostgresPool(
            location: url, size: poolSize, connectTimeoutSeconds: connectTimeoutSeconds, waitTimeoutSeconds: 30)
        self.logger = logger

        let connection = try pool.openDedicatedConnection()
        defer { connection.close() }
        let applied = try connection.migrate(now: Timestamp.nowMilliseconds())
        let database = PostgresLocation.redacted(url)
        for migration in applied {
            logger.debug(
                "applied PostgreSQL migration",
                [
                    "postgres.database": database, "postgres.migration.version": String(migration.version),
                    "postgres.migration.summary": migration.summary,
                ])
        }
        logger.debug("opened PostgreSQL store", ["postgres.database": database, "postgres.pool": String(pool.size)])
    }

    /// Runs `body` in a REPEATABLE READ, READ ONLY transaction.
    ///
    /// - Throws: `unavailable` when PostgreSQL cannot be reached or after ``close()``; whatever `body` or
    ///   the database throws otherwise.
    package func read<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        try run(writable: false, body)
    }

    /// Runs `body` in a READ COMMITTED transaction and commits when it returns.
    ///
    /// - Throws: `uniqueness` for a duplicate userName, displayName, team name or key id; `unavailable`
    ///   when PostgreSQL cannot be reached, after ``close()``, or after repeated deadlocks; whatever
    ///   `body` throws.
    package func write<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        try run(writable: true, body)
    }

    /// Closes the idle connections; each connection in use closes when its transaction ends.
    package func close() {
        pool.close()
        logger.debug("closed PostgreSQL store", ["postgres.pool": String(pool.size)])
    }

    /// Runs attempts until one finishes. An attempt that found its pooled connection dead before BEGIN
    /// runs again on another connection, because after PostgreSQL restarts every idle connection is dead
    /// and nothing of the transaction had run yet.
    private func run<T>(
        writable: Bool, _ body: (any StoreTransaction) throws(SCIMError) -> T
    ) throws(SCIMError) -> T {
        var staleConnections = 0
        var retries = 0
        while true {
            switch try attempt(writable: writable, body) {
            case .finished(let value):
                return value
            case .staleConnection(let error):
                staleConnections += 1
                guard staleConnections <= pool.size else { throw error }
            case .retryable(let error):
                retries += 1
                guard retries < Self.maxWriteAttempts else { throw error }
                logger.debug(
                    "running an aborted PostgreSQL transaction again",
                    ["postgres.attempt": String(retries + 1), "postgres.cause": error.underlying ?? error.detail])
            }
        }
    }

    /// Runs `body` once in a transaction on a pooled connection and commits it, or rolls it back when
    /// `body` or COMMIT throws.
    private func attempt<T>(
        writable: Bool, _ body: (any StoreTransaction) throws(SCIMError) -> T
    ) throws(SCIMError) -> Attempt<T> {
        try pool.withConnection { (connection, reused) throws(SCIMError) -> Attempt<T> in
            do throws(SCIMError) {
                try connection.executeScript(writable ? Self.beginWrite : Self.beginRead)
            } catch {
                guard reused, connection.isBroken else { throw error }
                return .staleConnection(error)
            }

            let transaction = PostgresTransaction(connection: connection, isWritable: writable)
            defer { transaction.invalidate() }
            do throws(SCIMError) {
                let value = try body(transaction)
                try connection.commit()
                return .finished(value)
            } catch {
                connection.rollBackQuietly()
                if let state = connection.lastSQLState, PostgresConnection.retryableStates.contains(state) {
                    return .retryable(error)
                }
                throw error
            }
        }
    }

    private static let beginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED"
    private static let beginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
}

/// How one transaction attempt ended, when it did not throw.
private enum Attempt<T> {
    case finished(T)
    /// The pooled connection was found dead before the transaction began.
    case staleConnection(SCIMError)
    /// PostgreSQL aborted the transaction as a deadlock victim or for a serialization failure.
    case retryable(SCIMError)
}
