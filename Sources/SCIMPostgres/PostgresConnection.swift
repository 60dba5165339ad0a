internal import CLibPQ
import Glibc
import SCIMCore

/// One libpq connection and the names of the statements prepared on it.
///
/// A connection is not thread-safe. ``PostgresPool`` lends each one to one thread at a time.
// @unchecked: the pool hands a connection to one borrower at a time, and a transaction object stops
// working when the closure that received it returns, so no two threads use the handle at once.
final class PostgresConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statementNames: [String: String] = [:]
    /// The SQLSTATE of the last failed statement, such as `40001`; nil after a failure without one.
    private(set) var lastSQLState: String?

    /// Connects with the libpq connection string or URL `location`.
    ///
    /// - Parameter connectTimeoutSeconds: how long to wait for the server; libpq treats values below 2 as 2.
    /// - Throws: `unavailable` when the server cannot be reached or refuses the login.
    init(location: String, connectTimeoutSeconds: Int) throws(SCIMError) {
        // With expand_dbname, the URL in `dbname` expands in place, so its own settings override the
        // defaults listed before it.
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = [String(connectTimeoutSeconds), "scimd", location]
        let connection = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw .unavailable("libpq could not allocate a connection.") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw .unavailable("Cannot connect to PostgreSQL at \(PostgresLocation.redacted(location)): \(message)")
        }
        handle = connection
    }

    deinit {
        close()
    }

    /// Whether libpq reports the connection as lost; a lost connection is dropped, never reused.
    var isBroken: Bool {
        guard let handle else { return true }
        return PQstatus(handle) != CONNECTION_OK
    }

    /// Whether a transaction is open or failed on this connection.
    var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        statementNames.removeAll()
    }

    /// Runs SQL text without parameters, such as DDL and transaction control, through the simple protocol.
    func executeScript(_ sql: String) throws(SCIMError) {
        let connection = try openHandle()
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, action: "running \(sql)")
    }

    /// Runs a statement that returns no rows and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ values: [PostgresValue] = []) throws(SCIMError) -> Int {
        try withResult(sql, values) { result in Int(String(cString: PQcmdTuples(result))) ?? 0 }
    }

    /// Runs a query and returns every row, converted by `decode`.
    func query<T>(
        _ sql: String, _ values: [PostgresValue] = [], row decode: (PostgresRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> [T] {
        try withResult(sql, values) { (result) throws(SCIMError) -> [T] in
            var rows: [T] = []
            let count = PQntuples(result)
            rows.reserveCapacity(Int(count))
            for index in 0..<count {
                rows.append(try decode(PostgresRow(result: result, index: index)))
            }
            return rows
        }
    }

    /// Runs a query and returns its first row, converted by `decode`, or nil when it returns none.
    func queryFirst<T>(
        _ sql: String, _ values: [PostgresValue] = [], row decode: (PostgresRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> T? {
        try withResult(sql, values) { (result) throws(SCIMError) -> T? in
            guard PQntuples(result) > 0 else { return nil }
            return try decode(PostgresRow(result: result, index: 0))
        }
    }

    /// Runs a query without preparing a named statement, for generated SQL whose text differs from one
    /// request to the next, and returns every row, converted by `decode`.
    func queryUncached<T>(
        _ sql: String, _ values: [PostgresValue], row decode: (PostgresRow) throws(SCIMError) -> T
    ) throws(SCIMError) -> [T] {
        let connection = try openHandle()
        var encoded: [String?] = []
        encoded.reserveCapacity(values.count)
        for value in values { encoded.append(try value.encoded()) }

        let result = Self.withOptionalCStrings(encoded) { pointers in
            PQexecParams(connection, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, action: "running \(sql)")
        guard let result else { throw .internalFailure("libpq returned no result for \(sql).") }
        var rows: [T] = []
        for index in 0..<PQntuples(result) {
            rows.append(try decode(PostgresRow(result: result, index: index)))
        }
        return rows
    }

    /// Runs the prepared form of `sql` with `values` bound as text parameters and lends its result.
    private func withResult<T>(
        _ sql: String, _ values: [PostgresValue], _ body: (OpaquePointer) throws(SCIMError) -> T
    ) throws(SCIMError) -> T {
        let connection = try openHandle()
        let name = try preparedName(sql, on: connection)
        var encoded: [String?] = []
        encoded.reserveCapacity(values.count)
        for value in values { encoded.append(try value.encoded()) }

        let result = Self.withOptionalCStrings(encoded) { pointers in
            PQexecPrepared(connection, name, Int32(pointers.count), pointers, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, action: "running \(sql)")
        guard let result else { throw .internalFailure("libpq returned no result for \(sql).") }
        return try body(result)
    }

    /// Returns the name of the statement prepared for `sql`, preparing it on first use.
    private func preparedName(_ sql: String, on connection: OpaquePointer) throws(SCIMError) -> String {
        if let name = statementNames[sql] { return name }
        let name = "scimd_\(statementNames.count + 1)"
        let result = PQprepare(connection, name, sql, 0, nil)
        defer { PQclear(result) }
        try check(result, action: "preparing \(sql)")
        statementNames[sql] = name
        return name
    }

    /// Throws the mapped error unless `result` reports success.
    private func check(_ result: OpaquePointer?, action: String) throws(SCIMError) {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else {
            lastSQLState = nil
            return
        }
        let state = result.flatMap { PQresultErrorField($0, scimd_pq_diag_sqlstate()) }.map { String(cString: $0) }
        let message = result.map { Self.trimmed(PQresultErrorMessage($0)) } ?? ""
        let detail = message.isEmpty ? Self.trimmed(handle.flatMap { PQerrorMessage($0) }) : message
        lastSQLState = state
        throw Self.error(sqlState: state, connectionLost: isBroken, message: "\(action) failed: \(detail)")
    }

    private func openHandle() throws(SCIMError) -> OpaquePointer {
        guard let handle else { throw .unavailable("The PostgreSQL connection is closed.") }
        return handle
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingSpacesAndNewlines()
    }
}

// MARK: - C strings

extension PostgresConnection {
    /// Lends `strings` as an array of C string pointers, valid only inside `body`.
    fileprivate static func withCStrings<T>(
        _ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> T
    ) -> T {
        withOptionalCStrings(strings.map { Optional($0) }) { pointers in
            body(pointers + [nil])
        }
    }

    /// Lends `strings` as C string pointers, nil for each nil element, valid only inside `body`.
    fileprivate static func withOptionalCStrings<T>(
        _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T
    ) -> T {
        let copies = strings.map { string in string.flatMap { strdup($0) } }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}

extension String {
    fileprivate func trimmingSpacesAndNewlines() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        return String(scalars)
    }
}

// MARK: - Transactions

extension PostgresConnection {
    /// Commits the open transaction.
    ///
    /// - Throws: `internalFailure` when an earlier statement failed inside it, because PostgreSQL then
    ///   rolls back on COMMIT; the mapped error when COMMIT itself fails.
    func commit() throws(SCIMError) {
        if let handle, PQtransactionStatus(handle) == PQTRANS_INERROR {
            throw .internalFailure("A statement of the transaction failed earlier, so PostgreSQL rolled it back.")
        }
        try executeScript("COMMIT")
    }

    /// Rolls back the open transaction, if any. A failure leaves the connection broken or still in a
    /// transaction, and the pool then closes it instead of lending it again.
    func rollBackQuietly() {
        guard let handle, !isBroken, isInTransaction else { return }
        let result = PQexec(handle, "ROLLBACK")
        PQclear(result)
    }

    /// Runs `body` inside a savepoint, so that a failed statement in it leaves the transaction usable.
    @discardableResult
    func withSavepoint<T>(_ body: () throws(SCIMError) -> T) throws(SCIMError) -> T {
        try executeScript("SAVEPOINT scimd_statement")
        do {
            let value = try body()
            try executeScript("RELEASE SAVEPOINT scimd_statement")
            return value
        } catch {
            let savedState = lastSQLState
            _ = try? executeScript("ROLLBACK TO SAVEPOINT scimd_statement")
            lastSQLState = savedState
            throw error
        }
    }
}
