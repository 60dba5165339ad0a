import SCIMTestSupport
import Testing

/// Removing `active` in the rfc profile (RFC 7644 §3.5.2.2: a removed single-valued attribute is
/// unassigned), and what an unassigned `active` means for responses, filters and the team rules.
struct ActiveRemovalTests {
    private func rfcServer() throws -> TeamServer {
        try TeamServer(serveArguments: ["--profile", "rfc", "--rate-limit-writes", "0", "--rate-limit-reads", "0"])
    }

    private func removeActive(_ fixture: TeamServer, _ id: String, key: String? = nil) throws -> HTTPClientResponse {
        try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: key ?? fixture.adminKey,
            json: UserJSON.patch(#"{"op":"remove","path":"active"}"#))
    }

    private func list(_ fixture: TeamServer, filter: String) throws -> HTTPClientResponse {
        try fixture.client.get("/scim/v2/Users?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)
    }

    @Test("RFC 7644 §3.5.2.2: remove of active leaves it unassigned and omitted")
    func removeOmitsActive() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")

        let response = try removeActive(fixture, id)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["active"].isMissing)
        #expect(try fixture.getUser(id).json["active"].isMissing)
        #expect(try fixture.store.userColumn("active", id: id) == nil)
        #expect(response.json["meta"]["version"].string == "W/\"2\"")
    }

    @Test("A user with active unassigned matches neither active eq true nor active eq false")
    func unassignedMatchesNoActiveFilter() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        let inactive = try fixture.createUser("ivy@acme.test")
        _ = try fixture.client.patch(
            "/scim/v2/Users/\(inactive)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","path":"active","value":false}"#))
        _ = try removeActive(fixture, id)

        let active = try list(fixture, filter: "active eq true")
        let deactivated = try list(fixture, filter: "active eq false")

        #expect(active.json["totalResults"].int == 1)
        #expect(active.json["Resources"].array?.compactMap { $0["userName"].string } == ["admin@acme.test"])
        #expect(deactivated.json["Resources"].array?.compactMap { $0["id"].string } == [inactive])
        #expect(try fixture.store.execute("SELECT inactive_count AS n FROM teams;").contains("1"))
        #expect(deactivated.json["totalResults"].int == 1)
    }

    @Test("Assigning active again after removal counts the user once")
    func reassignAfterRemoval() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        _ = try removeActive(fixture, id)

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"add","path":"active","value":true}"#))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["active"].bool == true)
        #expect(try list(fixture, filter: "active eq true").json["totalResults"].int == 2)
        #expect(try fixture.store.execute("SELECT active_count AS n FROM teams;").contains("2"))
    }

    @Test("An admin may remove their own active: unassigned is not deactivated")
    func adminRemovesOwnActive() throws {
        let fixture = try rfcServer()
        let adminID = try fixture.userID(of: fixture.adminEmail)

        let response = try removeActive(fixture, adminID)

        #expect(response.status == 200, "\(response)")
        #expect(try fixture.getUser(adminID).status == 200)
        let deactivate = try fixture.client.patch(
            "/scim/v2/Users/\(adminID)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","path":"active","value":false}"#))
        expectSCIMError(deactivate, status: 403)
    }

    @Test("RFC 7644 §3.5.1: PUT without active sets the default true, as POST does")
    func putWithoutActiveDefaultsTrue() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        _ = try removeActive(fixture, id)

        let response = try fixture.client.put(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: #"{"schemas":["\#(UserJSON.userSchema)"],"userName":"sam@acme.test"}"#)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["active"].bool == true)
        #expect(try fixture.store.userColumn("active", id: id) == "true")
    }

    @Test("The postman profile still rejects removing active and changes nothing")
    func postmanRejectsRemoval() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("sam@acme.test")
        let state = try UnchangedState(fixture, userID: id)

        let response = try removeActive(fixture, id)

        expectSCIMError(response, status: 400, scimType: "invalidSyntax")
        try state.expectUnchanged()
    }
}
