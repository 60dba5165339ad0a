import SCIMTestSupport
import Testing

/// How scimd finds and checks the API key of a request.
struct AuthenticationTests {
    static let usersPath = "/scim/v2/Users?count=1"

    func get(_ fixture: TeamServer, headers: [(name: String, value: String)]) throws -> HTTPClientResponse {
        try fixture.client.send(HTTPClientRequest("GET", Self.usersPath, headers: headers))
    }

    @Test("each header form carries a valid key", arguments: ["Authorization: Bearer", "Authorization", "X-API-Key"])
    func headerFormIsAccepted(form: String) throws {
        let fixture = try TeamServer()
        let header: (name: String, value: String) =
            switch form {
            case "Authorization: Bearer": ("Authorization", "Bearer \(fixture.adminKey)")
            case "Authorization": ("Authorization", fixture.adminKey)
            default: ("X-API-Key", fixture.adminKey)
            }

        let response = try get(fixture, headers: [header])

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 1)
    }

    @Test("an unknown X-API-Key beside a valid Authorization is ignored")
    func validAuthorizationWinsOverUnknownAPIKeyHeader() throws {
        let fixture = try TeamServer()

        let response = try get(
            fixture,
            headers: [("X-API-Key", SeedRequest.postmanAPIKey), ("Authorization", "Bearer \(fixture.adminKey)")])

        #expect(response.status == 200, "\(response)")
    }

    @Test("an invalid Authorization beside a valid X-API-Key is rejected")
    func invalidAuthorizationWinsOverValidAPIKeyHeader() throws {
        let fixture = try TeamServer()

        let response = try get(
            fixture, headers: [("Authorization", "Bearer \(APIKeyFormat.unknown())"), ("X-API-Key", fixture.adminKey)])

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
    }

    @Test("a request without a key is rejected")
    func missingKeyIsRejected() throws {
        let fixture = try TeamServer()

        let response = try get(fixture, headers: [])

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
    }

    @Test(
        "malformed keys are rejected",
        arguments: [
            "Bearer", "Bearer ", "Basic YWRtaW46cGFzc3dvcmQ=", "scimd_0123", "scimd_zzzzzzzzzzzzzzzz_00",
        ])
    func malformedKeyIsRejected(value: String) throws {
        let fixture = try TeamServer()

        let response = try get(fixture, headers: [("Authorization", value)])

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
    }

    @Test("a valid key id with a wrong secret is rejected")
    func wrongSecretIsRejected() throws {
        let fixture = try TeamServer()
        let keyID = try #require(APIKeyFormat.id(of: fixture.adminKey))
        let forged = "scimd_\(keyID)_" + String(repeating: "0", count: 64)

        let response = try get(fixture, headers: [("Authorization", "Bearer \(forged)")])

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
    }

    @Test("a key revoked with 'key revoke' is rejected at once")
    func revokedKeyIsRejectedImmediately() throws {
        let fixture = try TeamServer()
        let secondKey = try fixture.scimd.createKey(team: fixture.team, admin: fixture.adminEmail)
        try #require(try get(fixture, headers: [("Authorization", "Bearer \(secondKey)")]).status == 200)

        try fixture.scimd.revokeKey(secondKey)
        let response = try get(fixture, headers: [("Authorization", "Bearer \(secondKey)")])

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
        #expect(try get(fixture, headers: [("Authorization", "Bearer \(fixture.adminKey)")]).status == 200)
    }

    @Test("'key list' marks a revoked key")
    func keyListShowsRevocation() throws {
        let fixture = try TeamServer()
        let secondKey = try fixture.scimd.createKey(team: fixture.team, admin: fixture.adminEmail)
        let secondID = try #require(APIKeyFormat.id(of: secondKey))

        try fixture.scimd.revokeKey(secondID)
        let lines = try fixture.scimd.listKeys(team: fixture.team)

        #expect(lines.count == 2, "\(lines)")
        let revokedLine = try #require(lines.first { $0.hasPrefix(secondID) }, "\(lines)")
        #expect(revokedLine.contains("admin=\(fixture.adminEmail)"))
        #expect(revokedLine.contains("created="))
        #expect(revokedLine.contains("revoked="))
        let firstID = try #require(APIKeyFormat.id(of: fixture.adminKey))
        let activeLine = try #require(lines.first { $0.hasPrefix(firstID) }, "\(lines)")
        #expect(!activeLine.contains("revoked="))
        #expect(!lines.joined().contains(APIKeyFormat.secret(of: secondKey) ?? "-"))
    }

    @Test("every endpoint reports a deleted team", arguments: ["/scim/v2/Users", "/scim/v2/ServiceProviderConfig"])
    func deletedTeamIsReportedOnReads(path: String) throws {
        let fixture = try TeamServer()
        try fixture.scimd.deleteTeam(fixture.team)

        let response = try fixture.client.get(path, key: fixture.adminKey)

        expectSCIMError(response, status: 400, detail: PostmanDetail.teamGone)
    }

    @Test("a key sees only its own team's members")
    func keyIsScopedToItsTeam() throws {
        let fixture = try TeamServer()
        let otherKey = try fixture.scimd.createTeam("other", admin: "admin@other.test", domains: ["other.test"])
        try fixture.createUser("someone@other.test", key: otherKey)

        let response = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey)

        #expect(response.status == 200)
        #expect(response.json["totalResults"].int == 1)
        #expect(response.json["Resources"][0]["userName"].string == fixture.adminEmail)
    }

    @Test("routing comes before authentication")
    func routingPrecedesAuthentication() throws {
        let fixture = try TeamServer()

        let unknownPath = try fixture.client.get("/scim/v2/Nothing", key: nil)
        let wrongMethod = try fixture.client.send("DELETE", "/scim/v2/Users", key: nil)

        expectSCIMError(unknownPath, status: 404)
        expectSCIMError(wrongMethod, status: 405)
    }
}
