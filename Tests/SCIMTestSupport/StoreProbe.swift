import Foundation

/// Reads a scimd database directly, and injects storage faults into it: a SQLite file through the
/// `sqlite3` command-line tool (Debian package `sqlite3`), a PostgreSQL database through `psql`
/// (Debian package `postgresql-client-15`, a dependency of `postgresql`).
///
/// The probe works while a server has the database open. SQLite's WAL mode lets it read beside the
/// server, and a server re-prepares its statements after the schema changes. PostgreSQL resolves
/// table names again in every statement that runs after a schema change.
package struct StoreProbe: Sendable {
    /// Table names of scimd's schemas (Sources/SCIMSQLite/SQLiteMigration.swift and
    /// Sources/SCIMPostgres/PostgresMigration.swift), which share every table but `rate_limit_events`.
    package enum Table {
        package static let users = "users"
        package static let teams = "teams"
        package static let teamDomains = "team_domains"
        package static let apiKeys = "api_keys"
        /// PostgreSQL only: one row per request that the shared rate limit admitted.
        package static let rateLimitEvents = "rate_limit_events"
    }

    /// The database a probe reads and alters.
    package enum Location: Sendable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    package let location: Location

    package init(_ location: Location) {
        self.location = location
    }

    /// Runs `sql` (one or more statements) and returns what the client prints: JSON from
    /// `sqlite3`, one row per line from `psql`.
    @discardableResult
    package func execute(_ sql: String) throws -> String {
        switch location {
        case .sqlite(let path):
            let arguments = ["sqlite3", "-bail", "-cmd", ".timeout 10000", "-json", path, sql]
            let result = try ChildProcess.run("/usr/bin/env", arguments)
            guard result.exit == .exited(0) else {
                throw TestSetupError("sqlite3 failed on \(sql.debugDescription): \(result)")
            }
            return result.stdout
        case .postgres(let url):
            return try PostgresTestDatabase.psql(url, sql)
        }
    }

    /// Returns every row of `table` as text in a stable order, to compare before and after.
    package func snapshot(of table: String) throws -> String {
        switch location {
        case .sqlite:
            try execute("SELECT * FROM \(table) ORDER BY 1;")
        case .postgres:
            // Ordering by the whole row's JSON text keeps rows that share a first column in one order.
            try execute("SELECT row_to_json(t)::text FROM \(table) AS t ORDER BY 1;")
        }
    }

    /// Returns a snapshot of every table, to check that a rejected request changed nothing.
    ///
    /// The PostgreSQL snapshot leaves out `rate_limit_events`, because the shared rate limit records
    /// every admitted request there, rejected ones included. A SQLite server counts in memory.
    package func snapshot() throws -> String {
        try tableNames()
            .filter { $0 != Table.rateLimitEvents }
            .map { "\($0): " + (try snapshot(of: $0)) }
            .joined(separator: "\n")
    }

    /// Returns the number of rows in `table`.
    package func count(of table: String) throws -> Int {
        let output = try execute("SELECT count(*) AS n FROM \(table);")
        let digits = output.filter(\.isNumber)
        guard let count = Int(digits) else { throw TestSetupError("unexpected count output \(output)") }
        return count
    }

    /// Returns the names of every table in the database, sorted.
    package func tableNames() throws -> [String] {
        switch location {
        case .sqlite:
            let output = try execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;")
            return output.components(separatedBy: "\"name\":\"").dropFirst().compactMap {
                $0.split(separator: "\"").first.map(String.init)
            }
        case .postgres:
            let output = try execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;")
            return output.split(whereSeparator: \.isNewline).map(String.init)
        }
    }

    /// Makes every `operation` (`INSERT`, `UPDATE` or `DELETE`) on a row of `table` fail until the
    /// returned fault is undone.
    package func failStatements(_ operation: String, on table: String) throws -> InjectedFault {
        let trigger = "scimd_e2e_fail_\(operation.lowercased())_\(table)"
        switch location {
        case .sqlite:
            try execute(
                "CREATE TRIGGER \(trigger) BEFORE \(operation) ON \(table) "
                    + "BEGIN SELECT RAISE(ABORT, 'injected fault'); END;")
            return InjectedFault(probe: self, undoSQL: "DROP TRIGGER \(trigger);")
        case .postgres:
            // A row-level trigger, like SQLite's, so a statement that matches no row still succeeds.
            try execute(
                """
                CREATE OR REPLACE FUNCTION scimd_e2e_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'injected fault';
                END
                $$;
                CREATE TRIGGER \(trigger) BEFORE \(operation) ON \(table)
                    FOR EACH ROW EXECUTE FUNCTION scimd_e2e_fail();
                """)
            return InjectedFault(probe: self, undoSQL: "DROP TRIGGER \(trigger) ON \(table);")
        }
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
