import SCIMTestSupport
import Testing

/// The administration subcommands, run as processes against a temporary database.
struct CommandLineTests {
    @Test("'team create' prints a key in the documented format")
    func teamCreatePrintsKey() throws {
        let scimd = try ScimdProcess()

        let result = try scimd.run(["team", "create", "acme", "--admin", "admin@acme.test", "--domain", "acme.test"])

        #expect(result.exit == .exited(0), "\(result)")
        let key = try #require(result.lastLine)
        #expect(APIKeyFormat.id(of: key) != nil, "last line \(key)")
    }

    @Test("'team create' of an existing name fails with exit code 1")
    func duplicateTeamFails() throws {
        let scimd = try ScimdProcess()
        _ = try scimd.createTeam("acme", admin: "admin@acme.test")

        let result = try scimd.run(["team", "create", "acme", "--admin", "other@acme.test"])

        #expect(result.exit == .exited(1), "\(result)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("a missing required option is a usage error with exit code 2")
    func missingAdminIsUsageError() throws {
        let scimd = try ScimdProcess()

        let result = try scimd.run(["team", "create", "acme"])

        #expect(result.exit == .exited(2), "\(result)")
    }

    @Test("'key revoke' of an unknown id fails with exit code 1")
    func revokeUnknownKeyFails() throws {
        let scimd = try ScimdProcess()
        _ = try scimd.createTeam("acme", admin: "admin@acme.test")

        let result = try scimd.run(["key", "revoke", "0123456789abcdef"])

        #expect(result.exit == .exited(1), "\(result)")
    }

    @Test("each command prints a different key")
    func keysAreDistinct() throws {
        let scimd = try ScimdProcess()

        let first = try scimd.createTeam("acme", admin: "admin@acme.test")
        let second = try scimd.createKey(team: "acme", admin: "admin@acme.test")
        let third = try scimd.addAdmin(team: "acme", email: "second@acme.test")

        #expect(Set([first, second, third]).count == 3)
        #expect(try scimd.listKeys(team: "acme").count == 3)
    }

    @Test("SCIMD_DATABASE selects the database")
    func environmentSelectsDatabase() throws {
        let scimd = try ScimdProcess()
        let environment = ["SCIMD_DATABASE": scimd.database]

        let created = try scimd.run(
            ["team", "create", "acme", "--admin", "admin@acme.test"], environment: environment, addDatabaseOption: false
        )
        let listed = try scimd.run(["key", "list", "acme"], environment: environment, addDatabaseOption: false)

        #expect(created.exit == .exited(0), "\(created)")
        #expect(listed.exit == .exited(0), "\(listed)")
        #expect(listed.stdout.contains("admin=admin@acme.test"))
        #expect(try scimd.store.count(of: StoreProbe.Table.teams) == 1)
    }
}
