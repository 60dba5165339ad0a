import Dispatch
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
    private let pendingWrites = Mutex(WriteQueue())
    private let readers: [ReaderSlot]
    private let nextReader = Atomic<Int>(0)
    /// Writes committed since the planner statistics were last refreshed; only the leading writer
    /// changes it, under the writer lock.
    private let writesSinceAnalysis = Atomic<Int>(0)

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
        try Self.refreshPlannerStatistics(on: writeConnection)

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

    /// Runs `body` in a write transaction and returns once the transaction is committed durably.
    ///
    /// Writes that arrive while another is running wait in a queue. One waiting thread at a time is the
    /// leader: it takes the write connection and runs the queued writes in one transaction, each inside
    /// its own savepoint, and commits once (group commit). A write that throws rolls back to its
    /// savepoint only, so the others still commit. Every caller returns after the shared COMMIT, so a
    /// returned write is on disk. The other threads sleep on a semaphore, rather than queue on the
    /// connection's mutex, so many waiting writes cost no CPU.
    /// - Throws: `uniqueness` for a duplicate userName, team name or key id; `unavailable` after
    ///   ``close()`` or when the lock stays taken; whatever `body` throws.
    package func write<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        let result = WriteResult<T>()
        return try withoutActuallyEscaping(body) { (escapable) throws(SCIMError) -> T in
            let job = PendingWrite(
                body: { transaction in
                    let outcome = Result { () throws(SCIMError) -> T in try escapable(transaction) }
                    result.outcome = outcome
                    if case .failure(let error) = outcome { return error }
                    return nil
                },
                fail: { error in result.outcome = .failure(error) })
            let leads = pendingWrites.withLock { queue in
                queue.jobs.append(job)
                guard !queue.hasLeader else { return false }
                queue.hasLeader = true
                return true
            }
            if !leads {
                // The leader signals once it has run this write, or once it hands the lead to it.
                job.done.wait()
            }
            if !job.isFinished {
                lead(until: job)
            }
            return try Self.unwrap(result.outcome)
        }
    }

    /// Runs batches of queued writes until `job` has run, then hands the lead to the oldest write still
    /// queued, or gives it up when none is.
    private func lead(until job: PendingWrite) {
        writer.withLock { connection in
            while !job.isFinished {
                // Only the semaphores leave the batch: a woken thread returns from `write`, and its job
                // must then have no other reference, because it holds the caller's non-escaping closure.
                let wakeups = runNextBatch(leader: job, on: connection)
                for semaphore in wakeups {
                    semaphore.signal()
                }
            }
        }
        let next = pendingWrites.withLock { queue in
            guard let next = queue.jobs.first else {
                queue.hasLeader = false
                return nil as DispatchSemaphore?
            }
            return next.done
        }
        next?.signal()
    }

    /// The number of writes after which the planner statistics are refreshed.
    private static let writesPerAnalysis = 10_000

    /// Refreshes the statistics (`sqlite_stat1`) that SQLite's query planner reads.
    ///
    /// Without them SQLite takes `team_id = ?` for a selective condition, and an rfc filter such as
    /// `emails[type eq "work"].value eq "x"` then walked every user of the team instead of using the
    /// e-mail index. On the benchmark's 100,000-user store (2 cores, `wrk -t2 -c32`) that filter ran
    /// at 70 requests/s without statistics and 6,300 with them. `analysis_limit` samples at most 400
    /// rows per index, so a refresh took 9 ms on that store.
    private static func refreshPlannerStatistics(on connection: SQLiteConnection) throws(SCIMError) {
        try connection.executeScript("PRAGMA analysis_limit = 400")
        try connection.executeScript("ANALYZE")
    }

    /// Runs the oldest queued writes as one batch and returns the semaphores of those run for other threads.
    private func runNextBatch(leader: PendingWrite, on connection: SQLiteConnection?) -> [DispatchSemaphore] {
        let batch = pendingWrites.withLock { queue in
            let taken = Array(queue.jobs.prefix(Self.maxBatchSize))
            queue.jobs.removeFirst(taken.count)
            return taken
        }
        Self.runBatch(batch, on: connection, path: path)
        if let connection, writesSinceAnalysis.add(batch.count, ordering: .relaxed).newValue >= Self.writesPerAnalysis {
            writesSinceAnalysis.store(0, ordering: .relaxed)
            do throws(SCIMError) {
                try Self.refreshPlannerStatistics(on: connection)
            } catch {
                logger.warning("SQLite planner statistics could not be refreshed", ["error": error.detail])
            }
        }
        return batch.filter { $0 !== leader }.map(\.done)
    }

    /// The maximum number of writes committed together.
    private static let maxBatchSize = 64

    /// Runs queued writes in one transaction, one savepoint each, and marks every one finished.
    private static func runBatch(_ batch: [PendingWrite], on connection: SQLiteConnection?, path: String) {
        guard let connection else {
            for job in batch { job.finish(failure: .unavailable("The SQLite store at \(path) is closed.")) }
            return
        }
        guard batch.count > 1 else {
            runAlone(batch, on: connection)
            return
        }
        do throws(SCIMError) {
            _ = try connection.execute("BEGIN IMMEDIATE")
            var committed: [PendingWrite] = []
            for job in batch {
                _ = try connection.execute("SAVEPOINT batched_write")
                let transaction = SQLiteTransaction(connection: connection, isWritable: true)
                let failure = job.body(transaction)
                transaction.invalidate()
                guard connection.isInTransaction else {
                    // SQLite rolled the whole transaction back (IOERR, FULL, NOMEM): retry each alone.
                    runAlone(batch, on: connection)
                    return
                }
                if failure != nil {
                    try connection.executeScript("ROLLBACK TO batched_write")
                    job.isFinished = true
                } else {
                    committed.append(job)
                }
                _ = try connection.execute("RELEASE batched_write")
            }
            _ = try connection.execute("COMMIT")
            for job in committed { job.isFinished = true }
        } catch {
            // The batch itself failed (BEGIN, a savepoint or COMMIT): nothing of it is durable.
            connection.abandonTransaction()
            runAlone(batch.filter { !$0.isFinished }, on: connection)
        }
    }

    /// Runs each write in a transaction of its own.
    private static func runAlone(_ jobs: [PendingWrite], on connection: SQLiteConnection) {
        for job in jobs {
            let transaction = SQLiteTransaction(connection: connection, isWritable: true)
            do throws(SCIMError) {
                try connection.transaction(immediate: true) { () throws(SCIMError) in
                    if let failure = job.body(transaction) { throw failure }
                }
            } catch {
                job.finish(failure: error)
            }
            transaction.invalidate()
            job.isFinished = true
        }
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

/// The writes waiting for the write connection, and whether a thread leads them.
private struct WriteQueue {
    var jobs: [PendingWrite] = []
    var hasLeader = false
}

/// One write waiting for the write connection, with the work to run in the next batch.
///
/// `@unchecked Sendable` is safe because `body` runs, and `isFinished` and the result change, only on the
/// leading thread, which holds the store's writer lock. The submitting thread reads them only after
/// `done` was signalled, which orders those changes before its reads, or while it leads itself.
private final class PendingWrite: @unchecked Sendable {
    /// Runs the write in the given transaction, records its result, and returns its error, if any.
    let body: (SQLiteTransaction) -> SCIMError?
    /// Records an error as the write's result.
    private let fail: (SCIMError) -> Void
    var isFinished = false
    /// Signalled when the write has run, or when its thread is to lead the queue.
    let done = DispatchSemaphore(value: 0)

    init(body: @escaping (SQLiteTransaction) -> SCIMError?, fail: @escaping (SCIMError) -> Void) {
        self.body = body
        self.fail = fail
    }

    /// Marks the write finished with an error that replaces whatever it recorded.
    func finish(failure: SCIMError) {
        fail(failure)
        isFinished = true
    }
}

/// The result of one write, filled in by whichever thread runs it.
///
/// `@unchecked Sendable` is safe for the same reason as ``PendingWrite``: the leading thread writes it,
/// and the submitting thread reads it after the semaphore orders that write before the read.
private final class WriteResult<T>: @unchecked Sendable {
    var outcome: Result<T, SCIMError>?
}

/// One read connection and the lock that gives it to one thread at a time; nil once the store closed.
private final class ReaderSlot: Sendable {
    let connection: Mutex<SQLiteConnection?>

    init(_ connection: SQLiteConnection) {
        self.connection = Mutex(connection)
    }
}
