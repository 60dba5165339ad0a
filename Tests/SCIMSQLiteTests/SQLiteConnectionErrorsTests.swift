import SCIMCore
import Testing

@testable import SCIMSQLite

struct SQLiteConnectionErrorsTests {
    /// Extended result codes from sqlite3.h and the HTTP status each must map to.
    @Test(arguments: [
        (2067, 409),  // SQLITE_CONSTRAINT_UNIQUE
        (1555, 409),  // SQLITE_CONSTRAINT_PRIMARYKEY
        (19, 500),  // SQLITE_CONSTRAINT
        (275, 500),  // SQLITE_CONSTRAINT_CHECK
        (787, 500),  // SQLITE_CONSTRAINT_FOREIGNKEY
        (1299, 500),  // SQLITE_CONSTRAINT_NOTNULL
        (1811, 500),  // SQLITE_CONSTRAINT_TRIGGER
        (5, 503),  // SQLITE_BUSY
        (261, 503),  // SQLITE_BUSY_RECOVERY
        (517, 503),  // SQLITE_BUSY_SNAPSHOT
        (6, 503),  // SQLITE_LOCKED
        (262, 503),  // SQLITE_LOCKED_SHAREDCACHE
        (1, 500),  // SQLITE_ERROR, such as "no such table"
        (8, 500),  // SQLITE_READONLY
        (10, 500),  // SQLITE_IOERR
        (11, 500),  // SQLITE_CORRUPT
        (13, 500),  // SQLITE_FULL
    ])
    func extendedCodeMapsToStatus(code: Int32, status: Int) {
        let error = SQLiteConnection.error(forExtendedCode: code, message: "message \(code)")

        #expect(error.status == status)
        #expect(error.underlying == "message \(code)")
        #expect((error.scimType == .uniqueness) == (status == 409))
    }
}
