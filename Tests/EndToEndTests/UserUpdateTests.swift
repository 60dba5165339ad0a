import Foundation
import SCIMTestSupport
import Testing

/// PUT and PATCH of `/scim/v2/Users/{id}`, in the forms of the contract and of Entra and Okta.
struct UserUpdateTests {
    /// Starts a team with one member, alice, and returns her id.
    func startTeam() throws -> (fixture: TeamServer, id: String) {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test", givenName: "Alice", familyName: "Example")
        return (fixture, id)
    }

    func patch(_ fixture: TeamServer, _ id: String, _ operations: String...) throws -> HTTPClientResponse {
        let body = "{\"schemas\":[\"\(UserJSON.patchSchema)\"],\"Operations\":[\(operations.joined(separator: ","))]}"
        return try fixture.client.patch("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body)
    }

    @Test("PUT with only a name changes the name and keeps the rest")
    func putPartialBodyChangesName() throws {
        let (fixture, id) = try startTeam()
        let body =
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"givenName":"Taylor","familyName":"Lee"}}"#

        let response = try fixture.client.put("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Taylor")
        #expect(response.json["name"]["familyName"].string == "Lee")
        #expect(response.json["userName"].string == "alice@acme.test")
        #expect(response.json["active"].bool == true)
        #expect(try fixture.getUser(id).json == response.json)
    }

    @Test("PUT of Okta's full object with read-only noise")
    func putOfOktaFullObject() throws {
        let (fixture, id) = try startTeam()
        let current = try fixture.getUser(id).json
        let created = try #require(current["meta"]["created"].string)
        let body = """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"\(id)","userName":"alice@acme.test",
            "name":{"givenName":"Alicia","familyName":"Example"},"active":true,"groups":[],"password":"t0ps3cret",
            "emails":[{"primary":true,"value":"alice@acme.test","type":"work"}],"displayName":"Alicia Example",
            "locale":"en-US","meta":{"resourceType":"User","created":"\(created)","lastModified":"\(created)"}}
            """

        let response = try fixture.client.put("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body)

        #expect(response.status == 200, "\(response)")
        #expect(response.json.keys == ["schemas", "id", "userName", "name", "active", "meta"])
        #expect(response.json["name"]["givenName"].string == "Alicia")
        #expect(response.json["meta"]["created"].string == created)
        #expect(!response.text.contains("t0ps3cret"))
    }

    @Test("PUT with active false deactivates and active true reactivates")
    func putTogglesActive() throws {
        let (fixture, id) = try startTeam()
        let body = { (active: Bool) in
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@acme.test","active":\#(active)}"#
        }

        let deactivated = try fixture.client.put("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body(false))
        let listed = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey)
        let reactivated = try fixture.client.put("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body(true))

        #expect(deactivated.status == 200, "\(deactivated)")
        #expect(deactivated.json["active"].bool == false)
        #expect(listed.json["totalResults"].int == 2)
        #expect(reactivated.status == 200, "\(reactivated)")
        #expect(reactivated.json["active"].bool == true)
    }

    @Test("PUT accepts application/scim+json with a charset")
    func putAcceptsSCIMContentType() throws {
        let (fixture, id) = try startTeam()
        let body =
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"givenName":"A","familyName":"B"}}"#
        let request = HTTPClientRequest(
            "PUT", "/scim/v2/Users/\(id)",
            headers: [
                ("Authorization", "Bearer \(fixture.adminKey)"),
                ("Content-Type", "application/scim+json; charset=utf-8"),
            ],
            body: Array(body.utf8))

        let response = try fixture.client.send(request)

        #expect(response.status == 200, "\(response)")
    }

    @Test("PATCH with Entra's capitalised operations")
    func patchEntraDefaultMode() throws {
        let (fixture, id) = try startTeam()

        let response = try patch(
            fixture, id,
            #"{"op":"Replace","path":"name.familyName","value":"Example-Smith"}"#,
            #"{"op":"Replace","path":"externalId","value":"alice-ext-2"}"#,
            #"{"op":"Replace","path":"name.givenName","value":"Ali"}"#)

        #expect(response.status == 200, "\(response)")
        expectUserShape(response.json)
        #expect(response.json["name"]["familyName"].string == "Example-Smith")
        #expect(response.json["name"]["givenName"].string == "Ali")
        #expect(response.json["externalId"].string == "alice-ext-2")
        #expect(try fixture.getUser(id).json == response.json)
    }

    @Test("PATCH op in any letter case", arguments: ["replace", "Replace", "REPLACE", "rePlace"])
    func patchOpIgnoresCase(op: String) throws {
        let (fixture, id) = try startTeam()

        let response = try patch(fixture, id, #"{"op":"\#(op)","path":"externalId","value":"\#(op)"}"#)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["externalId"].string == op)
    }

    @Test("PATCH with Entra's \"False\" and \"True\" strings deactivates and reactivates")
    func patchEntraBooleanStrings() throws {
        let (fixture, id) = try startTeam()

        let deactivated = try patch(fixture, id, #"{"op":"Replace","path":"active","value":"False"}"#)
        let stored = try fixture.getUser(id).json
        let reactivated = try patch(fixture, id, #"{"op":"Replace","path":"active","value":"True"}"#)

        #expect(deactivated.status == 200, "\(deactivated)")
        #expect(deactivated.json["active"].bool == false)
        #expect(stored["active"].bool == false)
        #expect(reactivated.status == 200, "\(reactivated)")
        #expect(reactivated.json["active"].bool == true)
    }

    @Test("PATCH with Okta's path-less replace deactivates and reactivates")
    func patchOktaPathlessReplace() throws {
        let (fixture, id) = try startTeam()

        let deactivated = try patch(fixture, id, #"{"op":"replace","value":{"active":false}}"#)
        let filter = QueryEncoding.encode("active eq false")
        let inactive = try fixture.client.get("/scim/v2/Users?filter=\(filter)", key: fixture.adminKey)
        let reactivated = try patch(fixture, id, #"{"op":"replace","value":{"active":true}}"#)

        #expect(deactivated.status == 200, "\(deactivated)")
        #expect(deactivated.json["active"].bool == false)
        #expect(inactive.json["Resources"][0]["id"].string == id)
        #expect(reactivated.status == 200, "\(reactivated)")
        #expect(reactivated.json["active"].bool == true)
        #expect(try fixture.getUser(id).json["active"].bool == true)
    }

    @Test("PATCH with Entra's path-less replace and dotted keys")
    func patchEntraDottedKeys() throws {
        let (fixture, id) = try startTeam()

        let response = try patch(
            fixture, id, #"{"op":"replace","value":{"name.givenName":"Alina","name.familyName":"Sample"}}"#,
            #"{"op":"replace","path":"active","value":false}"#)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Alina")
        #expect(response.json["name"]["familyName"].string == "Sample")
        #expect(response.json["active"].bool == false)
    }

    @Test("PATCH of userName to a free address in a verified domain")
    func patchUserName() throws {
        let (fixture, id) = try startTeam()

        let response = try patch(fixture, id, #"{"op":"replace","path":"userName","value":"alice.new@acme.test"}"#)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["userName"].string == "alice.new@acme.test")
    }

    @Test("PATCH of userName to an unverified domain is rejected and changes nothing")
    func patchUserNameToUnverifiedDomain() throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)

        let response = try patch(
            fixture, id, #"{"op":"replace","path":"name.givenName","value":"Changed"}"#,
            #"{"op":"replace","path":"userName","value":"alice@elsewhere.test"}"#)

        expectSCIMError(response, status: 400, detail: PostmanDetail.cannotUpdateUserName)
        try state.expectUnchanged()
    }

    @Test("PATCH that deactivates the caller's own admin is forbidden")
    func patchSelfDeactivationIsForbidden() throws {
        let (fixture, _) = try startTeam()
        let adminID = try fixture.userID(of: fixture.adminEmail)
        let state = try UnchangedState(fixture, userID: adminID)

        let response = try patch(fixture, adminID, #"{"op":"replace","value":{"active":false}}"#)

        expectSCIMError(response, status: 403, detail: PostmanDetail.adminActionNotAllowed)
        try state.expectUnchanged()
    }

    @Test("PATCH of an unknown id is 404 and of another team's user 403")
    func patchOfMissingUsers() throws {
        let (fixture, _) = try startTeam()
        let otherKey = try fixture.scimd.createTeam("other", admin: "admin@other.test", domains: ["other.test"])
        let otherID = try fixture.createUser("someone@other.test", key: otherKey)
        let operation = #"{"op":"replace","path":"active","value":false}"#

        let unknown = try patch(fixture, "0123456789abcdef0123456789abcdef0123456789abcdef", operation)
        let foreign = try patch(fixture, otherID, operation)

        expectSCIMError(unknown, status: 404, detail: PostmanDetail.notTeamMember)
        expectSCIMError(foreign, status: 403, detail: PostmanDetail.notTeamMember)
        #expect(try fixture.client.get("/scim/v2/Users/\(otherID)", key: otherKey).json["active"].bool == true)
    }

    @Test("a change moves meta.lastModified and keeps meta.created")
    func updateMovesLastModified() throws {
        let (fixture, id) = try startTeam()
        let before = try fixture.getUser(id).json
        // Timestamps have millisecond precision; wait so that the change lands in a later millisecond.
        Thread.sleep(forTimeInterval: 0.01)

        let response = try patch(fixture, id, #"{"op":"replace","path":"externalId","value":"moved"}"#)

        #expect(response.json["meta"]["created"] == before["meta"]["created"])
        #expect((response.json["meta"]["lastModified"].string ?? "") > (before["meta"]["lastModified"].string ?? "~"))
    }
}
