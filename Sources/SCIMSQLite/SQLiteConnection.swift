internal import CSQLite
import SCIMCore

/// One SQLite database connection and its cache of prepared statements.
///
/// A connection is not thread-safe. ``SQLiteStore`` keeps each one inside a `Mutex`, so that one
/// thread at a time uses it.
// @unchecked: the store touches a connection only while it holds the Mutex that contains it, and the
// transaction object handed to callers stops working when the closure that received it returns.
final class SQLiteConnection: @unchecked Sendable {
    let path: String
    private(set) var database: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Prepared statements of generated SQL, such as rfc listings, with their texts oldest first. At most
    /// ``maxGeneratedStatements`` stay prepared, so every filter shape ever sent cannot pile up.
    private var generatedStatements: [String: OpaquePointer] = [:]
    private var generatedOrder: [String] = []
    private static let maxGeneratedStatements = 64

    /// Opens the database file at `path`. A writable connection creates the file when it is missing.
    init(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws(SCIMError) {
        self.path = path
        var handle: OpaquePointer?
        let access = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        // NOMUTEX: SQLite skips its own locking because the store's Mutex already serialises each connection.
        let code = sqlite3_open_v2(path, &handle, access | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            // A failed open still allocates a handle (unless memory ran out), which must be closed.
            _ = sqlite3_close_v2(handle)
            throw .internalFailure(
                "Cannot open the SQLite database at \(path): \(message) (SQLite extended code \(code)). "
                    + "Check that the directory exists and is writable.")
        }
        database = handle
        try configure(readOnly: readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    deinit {
        close()
    }

    /// Finalises every cached statement and closes the connection. Later calls throw `unavailable`.
    func close() {
        for statement in Array(statements.values) + Array(generatedStatements.values) {
            // finalize repeats the error of the statement's last step, which step() has already reported.
            _ = sqlite3_finalize(statement)
        }
        statements.removeAll()
        generatedStatements.removeAll()
        generatedOrder.removeAll()
        // close_v2 returns SQLITE_OK even with unfinalised statements: it then closes when they are finalised.
        _ = sqlite3_close_v2(database)
        database = nil
    }

    /// Runs SQL text that takes no parameters, such as DDL, pragmas and transaction control.
    func executeScript(_ sql: String) throws(SCIMError) {
        let database = try openDatabase()
        let code = sqlite3_exec(database, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(code, "running \(sql)") }
    }

    /// Runs a statement that returns no rows and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(SCIMError) -> Int {
        try withStatement(sql) { (statement) throws(SCIMError) -> Int in
            try statement.bind(values)
            while try statement.step() {}
            return Int(sqlite3_changes64(statement.connection.database))
        }
    }

    /// Runs a query and returns every row, converted by `decode`.
    func query<T>(
        _ sql: String, _ values: [SQLiteValue] = [], row decode: (SQLiteRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> [T] {
        try withStatement(sql) { (statement) throws(SCIMError) -> [T] in
            try statement.bind(values)
            var rows: [T] = []
            while try statement.step() {
                rows.append(try decode(SQLiteRow(handle: statement.handle)))
            }
            return rows
        }
    }

    /// Runs a query and returns its first row, converted by `decode`, or nil when it returns none.
    func queryFirst<T>(
        _ sql: String, _ values: [SQLiteValue] = [], row decode: (SQLiteRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> T? {
        try withStatement(sql) { (statement) throws(SCIMError) -> T? in
            try statement.bind(values)
            guard try statement.step() else { return nil }
            return try decode(SQLiteRow(handle: statement.handle))
        }
    }

    /// Runs a query without caching its prepared statement, for generated SQL whose text differs from
    /// one request to the next, and returns every row, converted by `decode`.
    func queryUncached<T>(
        _ sql: String, _ values: [SQLiteValue], row decode: (SQLiteRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> [T] {
        let database = try openDatabase()
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, 0, &handle, nil)
        guard code == SQLITE_OK, let handle else { throw failure(code, "preparing \(sql)") }
        defer { sqlite3_finalize(handle) }

        let statement = SQLiteStatement(handle: handle, connection: self)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() {
            rows.append(try decode(SQLiteRow(handle: handle)))
        }
        return rows
    }

    /// Runs generated SQL and returns every row, converted by `decode`. The statement stays prepared
    /// among the latest ``maxGeneratedStatements`` texts, so a listing that repeats a filter's shape with
    /// other values skips parsing and planning.
    func queryGenerated<T>(
        _ sql: String, _ values: [SQLiteValue], row decode: (SQLiteRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> [T] {
        let handle = try generatedStatement(sql)
        defer {
            _ = sqlite3_reset(handle)
            _ = sqlite3_clear_bindings(handle)
        }
        let statement = SQLiteStatement(handle: handle, connection: self)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() {
            rows.append(try decode(SQLiteRow(handle: handle)))
        }
        return rows
    }

    private func generatedStatement(_ sql: String) throws(SCIMError) -> OpaquePointer {
        if let cached = generatedStatements[sql] { return cached }
        let database = try openDatabase()
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else { throw failure(code, "preparing \(sql)") }
        if generatedOrder.count >= Self.maxGeneratedStatements {
            let oldest = generatedOrder.removeFirst()
            if let evicted = generatedStatements.removeValue(forKey: oldest) { _ = sqlite3_finalize(evicted) }
        }
        generatedStatements[sql] = handle
        generatedOrder.append(sql)
        return handle
    }

    /// Lends the cached prepared statement for `sql`, preparing it on first use.
    private func withStatement<T>(
        _ sql: String, _ body: (SQLiteStatement) throws(SCIMError) -> T
    ) throws(SCIMError) -> T {
        let handle = try preparedStatement(sql)
        defer {
            // reset repeats the error of the last step, which step() has already reported.
            _ = sqlite3_reset(handle)
            // clear_bindings always returns SQLITE_OK.
            _ = sqlite3_clear_bindings(handle)
        }
        return try body(SQLiteStatement(handle: handle, connection: self))
    }

    private func preparedStatement(_ sql: String) throws(SCIMError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        let database = try openDatabase()
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else { throw failure(code, "preparing \(sql)") }
        statements[sql] = handle
        return handle
    }

    private func openDatabase() throws(SCIMError) -> OpaquePointer {
        guard let database else { throw .unavailable("The SQLite connection to \(path) is closed.") }
        return database
    }

    private func configure(readOnly: Bool, busyTimeoutMilliseconds: Int32) throws(SCIMError) {
        let database = try openDatabase()
        var code = sqlite3_extended_result_codes(database, 1)
        guard code == SQLITE_OK else { throw failure(code, "enabling extended result codes") }
        code = sqlite3_busy_timeout(database, busyTimeoutMilliseconds)
        guard code == SQLITE_OK else { throw failure(code, "setting the busy timeout") }
        guard !readOnly else { return }

        // journal_mode is stored in the file, while synchronous and foreign_keys apply per connection.
        let mode = try queryFirst("PRAGMA journal_mode = WAL") { $0.text(0) }
        guard mode?.lowercased() == "wal" else {
            throw .internalFailure("Failed to switch \(path) to WAL mode: journal_mode is \(mode ?? "unknown").")
        }
        try executeScript("PRAGMA synchronous = FULL")
        try executeScript("PRAGMA foreign_keys = ON")
    }
}

// MARK: - Transactions

extension SQLiteConnection {
    /// Runs `body` between BEGIN and COMMIT, and rolls back when `body` or COMMIT throws.
    ///
    /// `immediate` takes the write lock at BEGIN. In WAL mode a write transaction that began therefore does
    /// not fail later with SQLITE_BUSY.
    func transaction<T>(immediate: Bool, _ body: () throws(SCIMError) -> T) throws(SCIMError) -> T {
        // BEGIN and COMMIT go through the statement cache like any query, so no request parses them again.
        _ = try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        let result: T
        do {
            result = try body()
            _ = try execute("COMMIT")
        } catch {
            throw rollBack(after: error)
        }
        return result
    }

    /// Whether a transaction is open, which is false after SQLite rolled one back by itself.
    var isInTransaction: Bool {
        guard let database else { return false }
        return sqlite3_get_autocommit(database) == 0
    }

    /// Rolls back the open transaction, if any, ignoring failures: the caller already has an error.
    func abandonTransaction() {
        guard let database, sqlite3_get_autocommit(database) == 0 else { return }
        _ = sqlite3_exec(database, "ROLLBACK", nil, nil, nil)
    }

    /// Rolls back the open transaction and returns the error to throw.
    private func rollBack(after error: SCIMError) -> SCIMError {
        // Some errors (IOERR, FULL, NOMEM) make SQLite roll back by itself and leave autocommit on.
        guard let database, sqlite3_get_autocommit(database) == 0 else { return error }
        let code = sqlite3_exec(database, "ROLLBACK", nil, nil, nil)
        guard code != SQLITE_OK else { return error }
        let rollbackFailure = failure(code, "rolling back")
        return .internalFailure(
            "\(rollbackFailure.underlying ?? "ROLLBACK failed") after: \(error.underlying ?? error.detail)")
    }
}
