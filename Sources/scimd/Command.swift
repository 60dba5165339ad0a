import Foundation
import SCIMCore
import SCIMCrypto
import SCIMPostgres
import SCIMSQLite

/// Dispatches the subcommands.
enum Command {
    static let databaseOption = "database"
    static let databaseEnvironment = "SCIMD_DATABASE"
    static let defaultDatabase = "scimd.sqlite"

    /// Runs one command line and returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        do {
            switch (arguments.first, arguments.dropFirst().first) {
            case ("serve", _): return try ServeCommand.run(Array(arguments.dropFirst()))
            case ("team", "create"?): return try AdminCommands.createTeam(Array(arguments.dropFirst(2)))
            case ("team", "delete"?): return try AdminCommands.deleteTeam(Array(arguments.dropFirst(2)))
            case ("admin", "add"?): return try AdminCommands.addAdmin(Array(arguments.dropFirst(2)))
            case ("admin", "remove"?): return try AdminCommands.removeAdmin(Array(arguments.dropFirst(2)))
            case ("key", "create"?): return try AdminCommands.createKey(Array(arguments.dropFirst(2)))
            case ("key", "list"?): return try AdminCommands.listKeys(Array(arguments.dropFirst(2)))
            case ("key", "revoke"?): return try AdminCommands.revokeKey(Array(arguments.dropFirst(2)))
            case ("migrate-store", _): return try MigrateStoreCommand.run(Array(arguments.dropFirst()))
            case ("--help"?, _), ("-h"?, _), ("help"?, _), (nil, _):
                print(HelpText.overview)
                return arguments.isEmpty ? 2 : 0
            default:
                printError("Unknown command '\(arguments.prefix(2).joined(separator: " "))'.\n\n\(HelpText.overview)")
                return 2
            }
        } catch {
            printError("\(error.message)\nRun 'scimd --help' for the commands and options.")
            return 2
        }
    }

    /// Opens the store named by `--database` or `SCIMD_DATABASE`.
    ///
    /// - Parameter poolSize: the PostgreSQL connections to keep at most; a SQLite file ignores it.
    static func openStore(
        _ arguments: Arguments, poolSize: Int = 2, logger: Logger
    ) throws(TeamAdministration.Failure) -> any StoreExport {
        let location = arguments.value(databaseOption, environment: databaseEnvironment) ?? defaultDatabase
        return try openStore(at: location, poolSize: poolSize, logger: logger)
    }

    /// Opens a PostgreSQL store for a `postgres://` or `postgresql://` URL, else the SQLite file at `location`.
    static func openStore(
        at location: String, poolSize: Int = 2, logger: Logger
    ) throws(TeamAdministration.Failure) -> any StoreExport {
        do {
            if PostgresLocation.isPostgresURL(location) {
                return try PostgresStore(url: location, poolSize: poolSize, logger: logger)
            }
            return try SQLiteStore(path: location, logger: logger)
        } catch {
            throw TeamAdministration.Failure(
                message: "Cannot open the database '\(PostgresLocation.redacted(location))': "
                    + "\(error.underlying ?? error.detail)")
        }
    }

    /// Writes a line to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
