import CSQLite
import Foundation
import SCIMCore
import SCIMSQLite

/// A database path inside a fresh temporary directory, which is removed with this object.
final class TemporaryDatabase {
    let directory: URL
    let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scimd-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("scimd.sqlite").path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Opens a store on the file with a logger that keeps its lines in memory.
    func openStore(readerCount: Int = 4, busyTimeoutMilliseconds: Int32 = 5_000) throws -> SQLiteStore {
        let logger = Logger(label: "scim.sqlite.test", minimumLevel: .trace, sink: MemoryLogSink())
        return try SQLiteStore(
            path: path, readerCount: readerCount, busyTimeoutMilliseconds: busyTimeoutMilliseconds, logger: logger)
    }

    /// Opens a separate raw connection to the file, as another process would.
    func openRawConnection() throws -> RawConnection {
        try RawConnection(path: path)
    }
}

/// A plain sqlite3 connection that tests use to inspect the file and inject faults beside the store.
final class RawConnection {
    private var database: OpaquePointer?

    init(path: String) throws {
        let code = sqlite3_open_v2(path, &database, SQLITE_OPEN_READWRITE, nil)
        guard code == SQLITE_OK else {
            _ = sqlite3_close_v2(database)
            throw RawConnectionError(message: "cannot open \(path): SQLite code \(code)")
        }
        _ = sqlite3_busy_timeout(database, 5_000)
    }

    deinit {
        _ = sqlite3_close_v2(database)
    }

    /// Runs SQL that returns no rows.
    func execute(_ sql: String) throws {
        let code = sqlite3_exec(database, sql, nil, nil, nil)
        guard code == SQLITE_OK else {
            throw RawConnectionError(message: "\(sql) failed: \(String(cString: sqlite3_errmsg(database)))")
        }
    }

    /// Returns the first column of the first row of a query as text.
    func text(_ sql: String) throws -> String? {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(database, sql, -1, &statement, nil)
        defer { _ = sqlite3_finalize(statement) }
        guard code == SQLITE_OK else {
            throw RawConnectionError(message: "\(sql) failed: \(String(cString: sqlite3_errmsg(database)))")
        }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: text)
    }
}

struct RawConnectionError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Untyped-throws forms of `read` and `write`, because Swift 6.3 infers `throws(any Error)` for a test's
/// short closures. A SCIMError passes through unchanged, and any other error becomes `internalFailure`.
extension SQLiteStore {
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try read { (transaction) throws(SCIMError) -> T in try Self.rethrowAsSCIMError { try body(transaction) } }
    }

    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
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
