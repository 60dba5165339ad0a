internal import CSQLite
import SCIMCore

/// A value bound to one statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null

    /// Returns 1 for true and 0 for false, the integers the schema's `CHECK` constraints allow.
    static func boolean(_ flag: Bool) -> SQLiteValue {
        .integer(flag ? 1 : 0)
    }

    /// Returns text, or SQL NULL when `value` is nil.
    static func nullableText(_ value: String?) -> SQLiteValue {
        value.map { .text($0) } ?? .null
    }

    /// Returns an integer, or SQL NULL when `value` is nil.
    static func nullableInteger(_ value: Int64?) -> SQLiteValue {
        value.map { .integer($0) } ?? .null
    }

    /// Returns 1 or 0, or SQL NULL when `value` is nil.
    static func nullableBoolean(_ value: Bool?) -> SQLiteValue {
        value.map { .boolean($0) } ?? .null
    }
}

/// A prepared statement borrowed from a connection's cache for one execution.
///
/// The connection resets the statement and clears its bindings when the borrowing closure returns.
struct SQLiteStatement {
    let handle: OpaquePointer
    let connection: SQLiteConnection

    /// Binds `values` to parameters 1, 2, ... in order.
    func bind(_ values: [SQLiteValue]) throws(SCIMError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .text(let text): code = bindText(text, at: index)
            case .blob(let bytes): code = bindBlob(bytes, at: index)
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw connection.failure(code, "binding parameter \(index) of \(sql)") }
        }
    }

    /// Moves to the next row and returns whether there is one.
    func step() throws(SCIMError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.failure(code, "running \(sql)")
        }
    }

    /// The statement's SQL text, for error messages.
    var sql: String {
        sqlite3_sql(handle).map { String(cString: $0) } ?? "a statement"
    }

    private func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { buffer in
            // A nil pointer would bind NULL, so the empty string gets a pointer to a static empty C string.
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, scimd_sqlite_transient())
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                sqlite3_bind_text(handle, index, pointer, Int32(buffer.count), scimd_sqlite_transient())
            }
        }
    }

    private func bindBlob(_ bytes: [UInt8], at index: Int32) -> Int32 {
        // A nil pointer would bind NULL, so the empty array binds a zero-length blob instead.
        guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
        return bytes.withUnsafeBytes { buffer in
            sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), scimd_sqlite_transient())
        }
    }
}

/// The current row of a statement; column numbers start at 0.
struct SQLiteRow {
    let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func integer(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func boolean(_ column: Int32) -> Bool {
        sqlite3_column_int64(handle, column) != 0
    }

    func nullableInteger(_ column: Int32) -> Int64? {
        isNull(column) ? nil : integer(column)
    }

    func nullableBoolean(_ column: Int32) -> Bool? {
        isNull(column) ? nil : boolean(column)
    }

    /// Returns the column as UTF-8 text; NULL reads as the empty string.
    func text(_ column: Int32) -> String {
        // sqlite3_column_text must come before sqlite3_column_bytes, which then counts the UTF-8 bytes.
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func nullableText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }

    /// Returns the column as bytes; NULL reads as an empty array.
    func blob(_ column: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
