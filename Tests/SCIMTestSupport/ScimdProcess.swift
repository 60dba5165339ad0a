package import Foundation

/// Runs `scimd` subcommands against one fresh database, and starts servers on it.
///
/// Each instance owns a fresh temporary directory, removed when the instance goes away, which is the
/// working directory of every run. The database is a SQLite file in that directory, or a PostgreSQL
/// database of its own, created on the server at `SCIM_TEST_POSTGRES_URL` and dropped when the
/// instance goes away. Every subcommand gets `--database` naming it.
package final class ScimdProcess {
    /// The `scimd` executable that runs.
    package let executablePath: String
    /// The temporary directory that is the working directory of each run.
    package let directory: URL
    /// The value of `--database`: the SQLite file's path or the PostgreSQL database's URL.
    package let database: String
    /// The same database, as ``store`` addresses it.
    private let location: StoreProbe.Location
    /// The PostgreSQL database, kept until the instance goes away.
    private let postgresDatabase: PostgresTestDatabase?

    /// Creates a temporary directory and a database on `store`, by default the one that
    /// `SCIM_TEST_E2E_STORE` selects. A SQLite file appears on the first command.
    package init(store: EndToEndStore? = nil) throws {
        executablePath = try ScimdBinary.path()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("scimd-e2e-\(UUID().uuidString.lowercased())")
        switch try store ?? EndToEndStore.selected() {
        case .sqlite:
            postgresDatabase = nil
            database = directory.appendingPathComponent("scimd.sqlite").path
            location = .sqlite(path: database)
        case .postgres(let serverURL):
            let created = try PostgresTestDatabase(serverURL: serverURL)
            postgresDatabase = created
            database = created.url
            location = .postgres(url: database)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A probe that reads and alters this instance's database directly.
    package var store: StoreProbe {
        StoreProbe(location)
    }

    /// Runs `scimd ARGUMENTS --database DATABASE` and returns its outcome whatever the exit code.
    ///
    /// Pass `addDatabaseOption: false` to leave out `--database`, for example to test
    /// `SCIMD_DATABASE`.
    package func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        addDatabaseOption: Bool = true
    ) throws -> CommandResult {
        let fullArguments = addDatabaseOption ? arguments + ["--database", database] : arguments
        return try ChildProcess.run(executablePath, fullArguments, environment: environment, directory: directory)
    }

    /// Runs a subcommand and throws unless it exits with 0.
    @discardableResult
    package func runSucceeding(_ arguments: [String]) throws -> CommandResult {
        let result = try run(arguments)
        guard result.exit == .exited(0) else {
            throw TestSetupError("scimd \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result
    }

    /// Runs a subcommand that prints a new API key on its last line, and returns that key.
    package func runPrintingKey(_ arguments: [String]) throws -> String {
        let result = try runSucceeding(arguments)
        guard let key = result.lastLine, APIKeyFormat.id(of: key) != nil else {
            throw TestSetupError("scimd \(arguments.joined(separator: " ")) printed no API key: \(result)")
        }
        return key
    }

    /// Creates a team and its first admin with `team create`, and returns the admin's new key.
    package func createTeam(_ name: String, admin: String, domains: [String] = []) throws -> String {
        let domainArguments = domains.flatMap { ["--domain", $0] }
        return try runPrintingKey(["team", "create", name, "--admin", admin] + domainArguments)
    }

    /// Makes `email` an admin of `team` with `admin add`, and returns the new key.
    package func addAdmin(team: String, email: String) throws -> String {
        try runPrintingKey(["admin", "add", team, email])
    }

    /// Makes `email` a plain member of `team` again with `admin remove`.
    package func removeAdmin(team: String, email: String) throws {
        try runSucceeding(["admin", "remove", team, email])
    }

    /// Creates another key for an admin of `team` with `key create`, and returns it.
    package func createKey(team: String, admin: String) throws -> String {
        try runPrintingKey(["key", "create", team, "--admin", admin])
    }

    /// Returns the lines of `key list TEAM`, one per key.
    package func listKeys(team: String) throws -> [String] {
        try runSucceeding(["key", "list", team]).stdout
            .split(whereSeparator: \.isNewline)
            .map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Revokes a key with `key revoke`, given the key or its id.
    package func revokeKey(_ keyOrID: String) throws {
        try runSucceeding(["key", "revoke", APIKeyFormat.id(of: keyOrID) ?? keyOrID])
    }

    /// Marks a team deleted with `team delete`.
    package func deleteTeam(_ name: String) throws {
        try runSucceeding(["team", "delete", name])
    }

    /// Starts `scimd serve --listen 127.0.0.1:0 --database DATABASE EXTRA...` and waits for its listen line.
    package func startServer(_ extraArguments: [String] = [], environment: [String: String] = [:]) throws
        -> ScimdServer
    {
        let arguments = ["serve", "--listen", "127.0.0.1:0", "--database", database] + extraArguments
        return try ScimdServer(
            executablePath: executablePath, arguments: arguments, environment: environment, directory: directory)
    }
}
