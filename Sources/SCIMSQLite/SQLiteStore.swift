package import SCIMCore
import Synchronization

/// A ``ResourceStore`` kept in one SQLite file in WAL mode.
///
/// One write connection, behind a `Mutex`, runs every write transaction, and a pool of read
/// connections runs read transactions beside it. WAL lets readers see the last commit while a write
/// is in progress. A committed write is on disk (`synchronous=FULL`) before ``write(_:)`` returns.
package final class SQLiteStore: ResourceStore {
    private let path: String
    private let logger: Logger
    private let writer: Mutex<SQLiteConnection?>
    private let readers: [ReaderSlot]
    private let nextReader = Atomic<Int>(0)

    /// Opens or creates the database at `path` and applies the migrations it lacks.
    ///
    /// - Parameters:
    ///   - readerCount: the number of read connections, at least 1.
    ///   - busyTimeoutMilliseconds: how long a connection waits for a lock held by another process
    ///     before the operation fails with `unavailable`.
    /// - Throws: `internalFailure` naming the path when the file cannot be opened, created or migrated.
    package init(
        path: String, readerCount: Int = 4, busyTimeoutMilliseconds: Int32 = 5_000, logger: Logger
    ) throws(SCIMError) {
        let writeConnection = try SQLiteConnection(
            path: path, readOnly: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        let applied = try writeConnection.migrate(now: Timestamp.nowMilliseconds())

        var readers: [ReaderSlot] = []
        for _ in 0..<max(readerCount, 1) {
            let connection = try SQLiteConnection(
                path: path, readOnly: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            readers.append(ReaderSlot(connection))
        }

        self.path = path
        self.logger = logger
        self.writer = Mutex(writeConnection)
        self.readers = readers
        for migration in applied {
            logger.debug(
                "applied SQLite migration",
                [
                    "sqlite.path": path, "sqlite.migration.version": String(migration.version),
                    "sqlite.migration.summary": migration.summary,
                ])
        }
        logger.debug("opened SQLite store", ["sqlite.path": path, "sqlite.readers": String(readers.count)])
    }

    /// Runs `body` in a deferred read transaction on an idle read connection, waiting when all are busy.
    ///
    /// - Throws: `unavailable` after ``close()``; whatever `body` or the database throws otherwise.
    package func read<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        let first = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        var outcome: Result<T, SCIMError>?
        // Take the first idle connection, starting at a rotating slot so that the load spreads.
        for step in 0..<readers.count where outcome == nil {
            let slot = readers[(first &+ step) % readers.count]
            slot.connection.withLockIfAvailable { connection in
                outcome = Self.run(on: connection, writable: false, path: path, body)
            }
        }
        if outcome == nil {
            // Every connection is busy: wait for one.
            readers[first % readers.count].connection.withLock { connection in
                outcome = Self.run(on: connection, writable: false, path: path, body)
            }
        }
        return try Self.unwrap(outcome)
    }

    /// Runs `body` in a BEGIN IMMEDIATE transaction on the write connection and commits when it returns.
    ///
    /// Writes from this process queue on a `Mutex`; a lock held by another process is waited for up to
    /// the busy timeout.
    /// - Throws: `uniqueness` for a duplicate userName, team name or key id; `unavailable` after
    ///   ``close()`` or when the lock stays taken; whatever `body` throws.
    package func write<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        var outcome: Result<T, SCIMError>?
        writer.withLock { connection in
            outcome = Self.run(on: connection, writable: true, path: path, body)
        }
        return try Self.unwrap(outcome)
    }

    /// Closes every connection once the transactions running on them finish.
    package func close() {
        for slot in readers {
            slot.connection.withLock { connection in
                connection?.close()
                connection = nil
            }
        }
        writer.withLock { connection in
            connection?.close()
            connection = nil
        }
        logger.debug("closed SQLite store", ["sqlite.path": path])
    }

    /// Runs `body` in one transaction on `connection` and ends the transaction object's life afterwards.
    ///
    /// The result leaves the lock as a `Result` value, because `Mutex` requires what its closure returns
    /// to be `Sendable` or sent, and `T` is neither.
    private static func run<T>(
        on connection: SQLiteConnection?, writable: Bool, path: String,
        _ body: (any StoreTransaction) throws(SCIMError) -> T
    ) -> Result<T, SCIMError> {
        guard let connection else { return .failure(.unavailable("The SQLite store at \(path) is closed.")) }
        let transaction = SQLiteTransaction(connection: connection, isWritable: writable)
        defer { transaction.invalidate() }
        return Result { () throws(SCIMError) -> T in
            try connection.transaction(immediate: writable) { () throws(SCIMError) -> T in
                try body(transaction)
            }
        }
    }

    private static func unwrap<T>(_ outcome: Result<T, SCIMError>?) throws(SCIMError) -> T {
        guard let outcome else { throw .internalFailure("A store transaction ended without a result.") }
        return try outcome.get()
    }
}

/// One read connection and the lock that gives it to one thread at a time; nil once the store closed.
private final class ReaderSlot: Sendable {
    let connection: Mutex<SQLiteConnection?>

    init(_ connection: SQLiteConnection) {
        self.connection = Mutex(connection)
    }
}
