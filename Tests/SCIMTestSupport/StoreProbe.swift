import Foundation

/// Reads a scimd SQLite database directly, and injects storage faults into it, with the `sqlite3`
/// command-line tool (Debian package `sqlite3`).
///
/// The probe works while a server has the database open: SQLite's WAL mode lets it read beside the
/// server, and a server re-prepares its statements after the schema changes.
package struct StoreProbe: Sendable {
    /// Table names of scimd's SQLite schema (migration 1 in Sources/SCIMSQLite/SQLiteMigration.swift).
    package enum Table {
        package static let users = "users"
        package static let teams = "teams"
        package static let teamDomains = "team_domains"
        package static let apiKeys = "api_keys"
    }

    package let databasePath: String

    package init(databasePath: String) {
        self.databasePath = databasePath
    }

    /// Runs `sql` (one or more statements) and returns what `sqlite3` prints in JSON mode.
    @discardableResult
    package func execute(_ sql: String) throws -> String {
        let arguments = ["sqlite3", "-bail", "-cmd", ".timeout 10000", "-json", databasePath, sql]
        let result = try ChildProcess.run("/usr/bin/env", arguments)
        guard result.exit == .exited(0) else {
            throw TestSetupError("sqlite3 failed on \(sql.debugDescription): \(result)")
        }
        return result.stdout
    }

    /// Returns every row of `table` as JSON text in a stable order, to compare before and after.
    package func snapshot(of table: String) throws -> String {
        try execute("SELECT * FROM \(table) ORDER BY 1;")
    }

    /// Returns a snapshot of every table, to check that a rejected request changed nothing.
    package func snapshot() throws -> String {
        try tableNames().map { "\($0): " + (try snapshot(of: $0)) }.joined(separator: "\n")
    }

    /// Returns the number of rows in `table`.
    package func count(of table: String) throws -> Int {
        let output = try execute("SELECT count(*) AS n FROM \(table);")
        let digits = output.filter(\.isNumber)
        guard let count = Int(digits) else { throw TestSetupError("unexpected count output \(output)") }
        return count
    }

    /// Returns the names of every table in the database.
    package func tableNames() throws -> [String] {
        let output = try execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;")
        return output.components(separatedBy: "\"name\":\"").dropFirst().compactMap {
            $0.split(separator: "\"").first.map(String.init)
        }
    }

    /// Makes every `operation` (`INSERT`, `UPDATE` or `DELETE`) on `table` fail until the returned
    /// fault is undone.
    package func failStatements(_ operation: String, on table: String) throws -> InjectedFault {
        let trigger = "scimd_e2e_fail_\(operation.lowercased())_\(table)"
        try execute(
            "CREATE TRIGGER \(trigger) BEFORE \(operation) ON \(table) BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        )
        return InjectedFault(probe: self, undoSQL: "DROP TRIGGER \(trigger);")
    }

    /// Renames `table` so that every statement using it fails until the returned fault is undone.
    package func hideTable(_ table: String) throws -> InjectedFault {
        let hidden = "scimd_e2e_hidden_\(table)"
        try execute("ALTER TABLE \(table) RENAME TO \(hidden);")
        return InjectedFault(probe: self, undoSQL: "ALTER TABLE \(hidden) RENAME TO \(table);")
    }
}

/// A storage fault injected by ``StoreProbe``, and the statement that removes it.
package struct InjectedFault: Sendable {
    let probe: StoreProbe
    let undoSQL: String

    /// Removes the fault.
    package func undo() throws {
        try probe.execute(undoSQL)
    }
}
