import SCIMCore
import SCIMPostgres

/// `scimd migrate-store --from DATABASE --to DATABASE`: copies one store into an empty other one.
enum MigrateStoreCommand {
    static func run(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: ["from", "to"])
        if arguments.wantsHelp {
            print(HelpText.migrateStore)
            return 0
        }
        _ = try arguments.requirePositionals(0, usage: HelpText.migrateStoreUsage)
        guard let source = arguments.value("from"), let target = arguments.value("to") else {
            throw Arguments.UsageError(
                message: "Options --from and --to are required.\nUsage: \(HelpText.migrateStoreUsage)")
        }
        guard source != target else {
            throw Arguments.UsageError(message: "--from and --to name the same database.")
        }

        let logger = Logger(label: "scimd", minimumLevel: .warning)
        do {
            let counts = try copy(from: source, to: target, logger: logger)
            print(
                "Copied \(counts.teams) teams, \(counts.users) users, \(counts.keys) API keys, \(counts.groups) "
                    + "groups and \(counts.memberships) memberships from \(PostgresLocation.redacted(source)) "
                    + "to \(PostgresLocation.redacted(target)).")
            return 0
        } catch {
            Command.printError(error.message)
            return 1
        }
    }

    /// Reads the source's snapshot and writes it into the target in one transaction.
    private static func copy(
        from source: String, to target: String, logger: Logger
    ) throws(TeamAdministration.Failure) -> (teams: Int, users: Int, keys: Int, groups: Int, memberships: Int) {
        let sourceStore = try Command.openStore(at: source, logger: logger)
        defer { sourceStore.close() }
        let targetStore = try Command.openStore(at: target, logger: logger)
        defer { targetStore.close() }

        let snapshot: StoreSnapshot
        do {
            snapshot = try sourceStore.exportSnapshot()
        } catch {
            throw TeamAdministration.Failure(
                message: "Reading \(PostgresLocation.redacted(source)) failed: \(error.underlying ?? error.detail)")
        }
        do {
            try targetStore.importSnapshot(snapshot)
        } catch {
            let reason = error.status == 400 ? error.detail : error.underlying ?? error.detail
            throw TeamAdministration.Failure(
                message: "Writing \(PostgresLocation.redacted(target)) failed, and nothing was written: \(reason)")
        }
        return (
            snapshot.teams.count, snapshot.users.count, snapshot.keys.count, snapshot.groups.count,
            snapshot.memberships.count
        )
    }
}
