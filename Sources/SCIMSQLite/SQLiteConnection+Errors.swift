internal import CSQLite
import SCIMCore

extension SQLiteConnection {
    /// Converts a failed SQLite result code into the error the store contract names.
    ///
    /// - Parameters:
    ///   - code: the extended result code the call returned (every connection turns extended codes on).
    ///   - action: what was being done, such as "running INSERT ...", for the log.
    func failure(_ code: Int32, _ action: String) -> SCIMError {
        let message = database.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        return Self.error(forExtendedCode: code, message: "\(action) failed: \(message) (SQLite extended code \(code))")
    }

    /// Maps an extended result code: unique and primary-key violations to `uniqueness`, a lock still
    /// held after the busy timeout to `unavailable`, and everything else to `internalFailure`.
    ///
    /// Other constraint failures (CHECK, NOT NULL, FOREIGN KEY, a trigger's RAISE(ABORT)) are bugs or
    /// broken data, not a duplicate sent by the client, so they stay internal failures.
    static func error(forExtendedCode code: Int32, message: String) -> SCIMError {
        switch code {
        case constraintUnique, constraintPrimaryKey:
            // The core replaces this detail with the text its profile sends.
            var error = SCIMError.uniqueness("Another record already has this unique value.")
            error.underlying = message
            return error
        case _ where code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED:
            return .unavailable(message)
        default:
            return .internalFailure(message)
        }
    }

    // Swift does not import sqlite3.h's extended-code macros because they are expressions. These repeat
    // their definitions: the primary code in the low byte, the detail shifted left by 8 bits.
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
}
