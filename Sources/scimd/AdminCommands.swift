import SCIMCore
import SCIMCrypto

/// The `team`, `admin` and `key` subcommands. Each prints a new key as its last line of stdout.
enum AdminCommands {
    static func createTeam(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: ["admin", "domain", Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.teamCreate) }
        let name = try arguments.requirePositionals(1, usage: HelpText.teamCreateUsage)[0]
        guard let admin = arguments.value("admin") else {
            throw Arguments.UsageError(message: "Option --admin is required.\nUsage: \(HelpText.teamCreateUsage)")
        }
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            let key = try administration.createTeam(name: name, adminEmail: admin, domains: arguments.values("domain"))
            print("Created team '\(name)' with admin \(admin). API key (shown once):")
            print(key)
        }
    }

    static func deleteTeam(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: [Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.teamDelete) }
        let name = try arguments.requirePositionals(1, usage: "scimd team delete NAME")[0]
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            try administration.deleteTeam(name: name)
            print("Deleted team '\(name)'. Its API keys now get 400 responses.")
        }
    }

    static func addAdmin(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: [Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.adminAdd) }
        let positionals = try arguments.requirePositionals(2, usage: "scimd admin add TEAM EMAIL")
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            let key = try administration.addAdmin(teamName: positionals[0], email: positionals[1])
            print("\(positionals[1]) is an admin of '\(positionals[0])'. API key (shown once):")
            print(key)
        }
    }

    static func removeAdmin(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: [Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.adminRemove) }
        let positionals = try arguments.requirePositionals(2, usage: "scimd admin remove TEAM EMAIL")
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            try administration.removeAdmin(teamName: positionals[0], email: positionals[1])
            print("\(positionals[1]) is no longer an admin of '\(positionals[0])'. Keys it generated now get 403.")
        }
    }

    static func createKey(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: ["admin", Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.keyCreate) }
        let team = try arguments.requirePositionals(1, usage: "scimd key create TEAM --admin EMAIL")[0]
        guard let admin = arguments.value("admin") else {
            throw Arguments.UsageError(
                message: "Option --admin is required.\nUsage: scimd key create TEAM --admin EMAIL")
        }
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            let key = try administration.createKey(teamName: team, adminEmail: admin)
            print("New API key for \(admin) in '\(team)' (shown once):")
            print(key)
        }
    }

    static func listKeys(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: [Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.keyList) }
        let team = try arguments.requirePositionals(1, usage: "scimd key list TEAM")[0]
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            for key in try administration.listKeys(teamName: team) {
                var line = "\(key.id) admin=\(key.adminUserName) created=\(Timestamp.format(milliseconds: key.created))"
                if let revoked = key.revoked { line += " revoked=\(Timestamp.format(milliseconds: revoked))" }
                print(line)
            }
        }
    }

    static func revokeKey(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: [Command.databaseOption])
        if arguments.wantsHelp { return help(HelpText.keyRevoke) }
        let id = try arguments.requirePositionals(1, usage: "scimd key revoke KEY_ID")[0]
        return perform(arguments) { (administration) throws(TeamAdministration.Failure) in
            try administration.revokeKey(id: id)
            print("Revoked key \(id).")
        }
    }

    /// Opens the store, runs `body`, closes the store, and returns 0, or 1 after printing the failure.
    private static func perform(
        _ arguments: Arguments, _ body: (TeamAdministration) throws(TeamAdministration.Failure) -> Void
    ) -> Int32 {
        let logger = Logger(label: "scimd", minimumLevel: .warning)
        do {
            let store = try Command.openStore(arguments, logger: logger)
            defer { store.close() }
            try body(TeamAdministration(store: store, hasher: OpenSSLCredentialHasher()))
            return 0
        } catch {
            Command.printError(error.message)
            return 1
        }
    }

    private static func help(_ text: String) -> Int32 {
        print(text)
        return 0
    }
}
