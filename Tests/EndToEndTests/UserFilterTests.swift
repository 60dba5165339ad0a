import SCIMTestSupport
import Testing

/// The filters of `GET /scim/v2/Users`, including the exact queries identity providers send.
struct UserFilterTests {
    /// Starts a team with alice (active) and bob (deactivated) beside the admin.
    func startTeam() throws -> TeamServer {
        let fixture = try TeamServer()
        try fixture.createUser("alice@acme.test")
        let bobID = try fixture.createUser("bob@acme.test")
        let deactivate = UserJSON.patch(#"{"op":"replace","path":"active","value":false}"#)
        let response = try fixture.client.patch("/scim/v2/Users/\(bobID)", key: fixture.adminKey, json: deactivate)
        guard response.status == 200 else { throw TestSetupError("deactivating bob failed: \(response)") }
        return fixture
    }

    func userNames(_ response: HTTPClientResponse) -> [String] {
        (response.json["Resources"].array ?? []).compactMap { $0["userName"].string }
    }

    @Test(
        "supported filters select the matching members",
        arguments: [
            (#"userName eq "alice@acme.test""#, ["alice@acme.test"]),
            (#"userName eq "ALICE@acme.test""#, []),
            (#"userName eq 'alice@acme.test'"#, ["alice@acme.test"]),
            (#"userName eq "alice\"@acme.test""#, []),
            (#"userName Eq "alice@acme.test""#, ["alice@acme.test"]),
            (#"active eq true"#, ["admin@acme.test", "alice@acme.test"]),
            (#"active eq false"#, ["bob@acme.test"]),
            (#"userName eq "bob@acme.test" and active eq false"#, ["bob@acme.test"]),
            (#"active eq true and userName eq "bob@acme.test""#, []),
        ])
    func filterSelectsMembers(filter: String, expected: [String]) throws {
        let fixture = try startTeam()

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == expected.count)
        #expect(userNames(response) == expected)
    }

    @Test(
        "the query is percent-decoded once and + is a space",
        arguments: [
            "userName%20eq%20%22alice%40acme.test%22",
            "userName+eq+%22alice%40acme.test%22",
            "userName eq \"alice@acme.test\"".replacing(" ", with: "%20"),
        ])
    func queryDecoding(encodedFilter: String) throws {
        let fixture = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users?filter=\(encodedFilter)", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(userNames(response) == ["alice@acme.test"])
    }

    @Test("a doubly encoded value is compared as its once-decoded text")
    func doubleEncodingIsNotDecodedTwice() throws {
        let fixture = try startTeam()

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=userName%20eq%20%22alice%2540acme.test%22", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 0)
    }

    @Test("Okta's existence check of an unknown user is 200 with no resources")
    func oktaExistenceCheck() throws {
        let fixture = try startTeam()
        let target = "/scim/v2/Users?filter=userName%20eq%20%22alice%40example.com%22&startIndex=1&count=100"

        let response = try fixture.client.send(
            HTTPClientRequest(
                "GET", target,
                headers: [
                    ("User-Agent", "Okta SCIM Client 1.0.0"), ("Authorization", "Bearer \(fixture.adminKey)"),
                    ("Accept", "application/scim+json"), ("Content-Type", "application/scim+json; charset=utf-8"),
                ]))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["schemas"].strings == [UserJSON.listSchema])
        #expect(response.json["totalResults"].int == 0)
        #expect((response.json["Resources"].count ?? 0) == 0)
        #expect(response.json["startIndex"].int == 1)
        #expect(response.json["itemsPerPage"].int == 100)
    }

    @Test("Okta's credential test lists two members")
    func oktaCredentialTest() throws {
        let fixture = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users?startIndex=1&count=2", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 3)
        #expect(response.json["itemsPerPage"].int == 2)
        #expect(response.json["startIndex"].int == 1)
        #expect(response.json["Resources"].count == 2)
    }

    @Test("Entra's test connection on a random userName is 200 with no resources")
    func entraTestConnection() throws {
        let fixture = try startTeam()
        let filter = QueryEncoding.encode(#"userName eq "6f0d3c5e-5fa1-4b7e-9f0e-0b1d8e2a7c41""#)

        let response = try fixture.client.get("/scim/v2//Users?filter=\(filter)", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 0)
    }

    @Test(
        "other filters get Postman's unsupported-filter error",
        arguments: [
            #"displayName eq "Alice""#, #"userName co "alice""#, #"userName sw "a""#, #"externalId eq "x""#,
            #"userName pr"#, #"active eq true or active eq false"#, #"emails[type eq "work"].value eq "a@acme.test""#,
            #"userName eq"#, #"not (active eq true)"#,
        ])
    func unsupportedFilterIsRejected(filter: String) throws {
        let fixture = try startTeam()

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)

        expectSCIMError(response, status: 400, detail: PostmanDetail.unsupportedFilter)
    }

    @Test("a filter over 10,000 characters is rejected", arguments: [10_001, 100_000])
    func longFilterIsRejected(length: Int) throws {
        let fixture = try startTeam()
        let prefix = #"userName eq ""#
        let filter = prefix + String(repeating: "a", count: length - prefix.count - 1) + "\""

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=\(QueryEncoding.encode(filter))", key: fixture.adminKey)

        expectSCIMError(response, status: 400, detail: PostmanDetail.unsupportedFilter)
        #expect(fixture.server.isRunning)
    }

    @Test("deactivated users stay listed with active false")
    func deactivatedUserStaysListed() throws {
        let fixture = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey)

        #expect(response.json["totalResults"].int == 3)
        let bob = response.json["Resources"].array?.first { $0["userName"].string == "bob@acme.test" }
        #expect(bob?["active"].bool == false)
    }
}
