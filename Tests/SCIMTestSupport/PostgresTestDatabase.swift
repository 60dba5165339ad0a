package import Foundation

/// An empty database created for one test on a PostgreSQL server through `psql`, and dropped when
/// the instance goes away.
package final class PostgresTestDatabase: Sendable {
    /// The URL of this database: the server's URL with its database name replaced.
    package let url: String
    /// The database name, `scimd_e2e_` and 32 hex digits.
    package let name: String
    private let serverURL: String

    /// Creates the database on the server at `serverURL`, whose user may create databases.
    package init(serverURL: String) throws {
        self.serverURL = serverURL
        name = "scimd_e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        url = Self.replacingDatabase(in: serverURL, with: name)
        try Self.psql(serverURL, "CREATE DATABASE \(name)")
    }

    deinit {
        // FORCE ends the sessions of a server that a failed test left running.
        _ = try? Self.psql(serverURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs `sql` (one or more statements, in one transaction) through `psql` against `url`, and
    /// returns the rows it prints, one per line with columns separated by `|`.
    @discardableResult
    package static func psql(_ url: String, _ sql: String) throws -> String {
        let result = try ChildProcess.run(
            "/usr/bin/env",
            ["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        guard result.exit == .exited(0) else {
            throw TestSetupError("psql failed on \(sql.debugDescription): \(result)")
        }
        return result.stdout
    }

    /// Returns `url` with its database path replaced by `name`.
    package static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/\(name)"
        return components.string ?? url
    }
}
