import Foundation
import SCIMCore
import SCIMCrypto
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
    static func openStore(_ arguments: Arguments, logger: Logger) throws(TeamAdministration.Failure) -> any ResourceStore {
        let location = arguments.value(databaseOption, environment: databaseEnvironment) ?? defaultDatabase
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw TeamAdministration.Failure(message: "PostgreSQL databases are not supported yet; use a SQLite file path.")
        }
        do {
            return try SQLiteStore(path: location, logger: logger)
        } catch {
            throw TeamAdministration.Failure(
                message: "Cannot open the database '\(location)': \(error.underlying ?? error.detail)")
        }
    }

    /// Writes a line to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
