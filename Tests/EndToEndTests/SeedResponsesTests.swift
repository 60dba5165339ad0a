import Foundation
import SCIMTestSupport
import Testing

/// Each documented response of Postman's `PUT /scim/v2/Users/{id}`, reproduced with real state.
@Suite("Postman PUT /Users/{id} responses")
struct SeedResponsesTests {
    static let domain = "okta.local"
    static let admin = "admin@okta.local"
    static let member = "test.user@okta.local"

    /// Starts a server whose team verifies `okta.local`, and creates the member the request updates.
    ///
    /// The member gets the request's externalId at creation, because a PUT applies only the name,
    /// `active` and (under the team's rules) `userName`.
    func startTeam(_ serveArguments: [String] = []) throws -> (fixture: TeamServer, memberID: String) {
        let fixture = try TeamServer(serveArguments: serveArguments, admin: Self.admin, domains: [Self.domain])
        let memberID = try fixture.createUser(Self.member, givenName: "Old", familyName: "Name", externalId: "23123123")
        return (fixture, memberID)
    }

    @Test("200: the request as published updates the member")
    func publishedRequestUpdatesMember() throws {
        let (fixture, id) = try startTeam()
        let created = try fixture.getUser(id).json

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.body(userName: Self.member)))

        #expect(response.status == 200, "\(response)")
        expectSCIMContentType(response)
        let user = response.json
        #expect(user.keys == ["schemas", "id", "userName", "name", "externalId", "active", "meta"])
        expectUserShape(user)
        #expect(user["id"].string == id)
        #expect(user["userName"].string == Self.member)
        #expect(user["name"].keys == ["givenName", "familyName"])
        #expect(user["name"]["givenName"].string == "Test")
        #expect(user["name"]["familyName"].string == "User")
        #expect(user["externalId"].string == "23123123")
        #expect(user["active"].bool == true)
        #expect(user["meta"]["created"] == created["meta"]["created"])
        #expect((user["meta"]["lastModified"].string ?? "") >= (created["meta"]["lastModified"].string ?? "~"))
        #expect(try fixture.getUser(id).json == user)
    }

    @Test("200: the error examples' body with emails and displayName is accepted too")
    func bodyWithEmailsUpdatesMember() throws {
        let (fixture, id) = try startTeam()

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.bodyWithEmails(userName: Self.member)))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Test")
        #expect(response.json["emails"].isMissing)
        #expect(response.json["displayName"].isMissing)
    }

    @Test(
        "400: a userName change that the team's rules forbid",
        arguments: ["someone@unverified.test", "not-an-email", "other.member@okta.local", "OTHER.MEMBER@okta.local"])
    func forbiddenUserNameChangeIsRejected(newUserName: String) throws {
        let (fixture, id) = try startTeam()
        try fixture.createUser("other.member@okta.local")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.bodyWithEmails(userName: newUserName)))

        expectSCIMError(response, status: 400, detail: PostmanDetail.cannotUpdateUserName)
        try state.expectUnchanged()
    }

    @Test("200: a userName change to a free address in a verified domain")
    func allowedUserNameChangeIsApplied() throws {
        let (fixture, id) = try startTeam()

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.body(userName: "renamed@okta.local")))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["userName"].string == "renamed@okta.local")
        #expect(try fixture.getUser(id).json["userName"].string == "renamed@okta.local")
    }

    @Test("400: the key's team was deleted with 'team delete'")
    func deletedTeamIsReported() throws {
        let (fixture, id) = try startTeam()
        let database = try fixture.store.snapshot(of: StoreProbe.Table.users)
        try fixture.scimd.deleteTeam(fixture.team)

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.body(userName: Self.member)))

        expectSCIMError(response, status: 400, detail: PostmanDetail.teamGone)
        #expect(try fixture.store.snapshot(of: StoreProbe.Table.users) == database)
    }

    @Test("401: an invalid API key", arguments: ["invalidApiKey", APIKeyFormat.unknown(), ""])
    func invalidKeyIsRejected(key: String) throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: key, body: SeedRequest.body(userName: Self.member)))

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
        try state.expectUnchanged()
    }

    @Test("403: the key's admin was made a plain member with 'admin remove'")
    func keyOfRemovedAdminIsRejected() throws {
        let (fixture, id) = try startTeam()
        let formerAdminKey = try fixture.scimd.addAdmin(team: fixture.team, email: "second.admin@okta.local")
        try fixture.scimd.removeAdmin(team: fixture.team, email: "second.admin@okta.local")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: formerAdminKey, body: SeedRequest.body(userName: Self.member)))

        expectSCIMError(response, status: 403, detail: PostmanDetail.adminNotOnTeam)
        try state.expectUnchanged()
    }

    @Test("403: the key's admin was deactivated by another admin")
    func keyOfDeactivatedAdminIsRejected() throws {
        let (fixture, id) = try startTeam()
        let secondKey = try fixture.scimd.addAdmin(team: fixture.team, email: "second.admin@okta.local")
        let secondID = try fixture.userID(of: "second.admin@okta.local")
        let deactivate = UserJSON.patch(#"{"op":"replace","path":"active","value":false}"#)
        let deactivated = try fixture.client.patch(
            "/scim/v2/Users/\(secondID)", key: fixture.adminKey, json: deactivate)
        try #require(deactivated.status == 200, "\(deactivated)")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.send(
            SeedRequest.put(id: id, key: secondKey, body: SeedRequest.body(userName: Self.member)))

        expectSCIMError(response, status: 403, detail: PostmanDetail.adminNotOnTeam)
        try state.expectUnchanged()
    }

    @Test("400: a body that is not a complete JSON document")
    func incompleteBodyIsRejected() throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)
        let truncated = String(SeedRequest.body(userName: Self.member).dropLast(12))

        let response = try fixture.client.send(SeedRequest.put(id: id, key: fixture.adminKey, body: truncated))

        expectSCIMError(response, status: 400, scimType: "invalidSyntax", detail: PostmanDetail.invalidPayload)
        try state.expectUnchanged()
    }

    @Test("403: the admin deactivates their own member")
    func adminCannotDeactivateThemselves() throws {
        let (fixture, _) = try startTeam()
        let adminID = try fixture.userID(of: Self.admin)
        let state = try UnchangedState(fixture, userID: adminID)
        let body = SeedRequest.body(userName: Self.admin).replacingOccurrences(
            of: "\"active\": true", with: "\"active\": false")

        let response = try fixture.client.send(SeedRequest.put(id: adminID, key: fixture.adminKey, body: body))

        expectSCIMError(response, status: 403, detail: PostmanDetail.adminActionNotAllowed)
        try state.expectUnchanged()
    }

    @Test("403: the admin changes their own userName")
    func adminCannotRenameThemselves() throws {
        let (fixture, _) = try startTeam()
        let adminID = try fixture.userID(of: Self.admin)
        let state = try UnchangedState(fixture, userID: adminID)

        let response = try fixture.client.send(
            SeedRequest.put(
                id: adminID, key: fixture.adminKey, body: SeedRequest.body(userName: "new.admin@okta.local")))

        expectSCIMError(response, status: 403, detail: PostmanDetail.adminActionNotAllowed)
        try state.expectUnchanged()
    }

    @Test("200: the admin may change their own name")
    func adminCanRenameOwnName() throws {
        let (fixture, _) = try startTeam()
        let adminID = try fixture.userID(of: Self.admin)

        let response = try fixture.client.send(
            SeedRequest.put(id: adminID, key: fixture.adminKey, body: SeedRequest.body(userName: Self.admin)))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Test")
    }

    @Test("403: the user belongs to another team")
    func userOfAnotherTeamIsForbidden() throws {
        let (fixture, _) = try startTeam()
        let otherKey = try fixture.scimd.createTeam("other", admin: "admin@other.test", domains: ["other.test"])
        let otherID = try fixture.createUser("someone@other.test", key: otherKey)
        let before = try fixture.client.get("/scim/v2/Users/\(otherID)", key: otherKey).text

        let response = try fixture.client.send(
            SeedRequest.put(id: otherID, key: fixture.adminKey, body: SeedRequest.body(userName: "someone@other.test")))

        expectSCIMError(response, status: 403, detail: PostmanDetail.notTeamMember)
        #expect(try fixture.client.get("/scim/v2/Users/\(otherID)", key: otherKey).text == before)
    }

    @Test("404: no user has the id")
    func unknownUserIsNotFound() throws {
        let (fixture, _) = try startTeam()
        let database = try fixture.store.snapshot()

        let response = try fixture.client.send(
            SeedRequest.put(
                id: "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99", key: fixture.adminKey,
                body: SeedRequest.body(userName: Self.member)))

        expectSCIMError(response, status: 404, detail: PostmanDetail.notTeamMember)
        #expect(try fixture.store.snapshot() == database)
    }

    @Test("429: the 181st write in a minute, with the default limits")
    func write181IsRateLimited() throws {
        let (fixture, id) = try startTeam()
        let request = SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.body(userName: Self.member))
        // Creating the member was the first write of the minute.
        for attempt in 2...180 {
            let response = try fixture.client.send(request)
            try #require(response.status == 200, "write \(attempt): \(response)")
        }
        let changed = SeedRequest.body(userName: Self.member).replacingOccurrences(of: "\"Test\"", with: "\"Late\"")

        let response = try fixture.client.send(SeedRequest.put(id: id, key: fixture.adminKey, body: changed))

        expectSCIMError(response, status: 429, detail: PostmanDetail.rateLimited(180))
        let retryAfter = try #require(response.header("Retry-After").flatMap { Int($0) }, "\(response)")
        #expect((1...60).contains(retryAfter))
        #expect(try fixture.getUser(id).json["name"]["givenName"].string == "Test")
    }

    @Test("429: the 301st read in a minute, with the default limits")
    func read301IsRateLimited() throws {
        let fixture = try TeamServer(admin: Self.admin, domains: [Self.domain])
        for attempt in 1...300 {
            let response = try fixture.client.get("/scim/v2/Users?count=1", key: fixture.adminKey)
            try #require(response.status == 200, "read \(attempt): \(response)")
        }

        let response = try fixture.client.get("/scim/v2/Users?count=1", key: fixture.adminKey)

        expectSCIMError(response, status: 429, detail: PostmanDetail.rateLimited(300))
        let retryAfter = try #require(response.header("Retry-After").flatMap { Int($0) }, "\(response)")
        #expect((1...60).contains(retryAfter))
    }

    @Test("500: the storage fails while the update is written")
    func storageFailureChangesNothing() throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)
        let fault = try fixture.store.failStatements("UPDATE", on: StoreProbe.Table.users)
        let request = SeedRequest.put(id: id, key: fixture.adminKey, body: SeedRequest.body(userName: Self.member))

        let response = try fixture.client.send(request)

        expectSCIMError(response, status: 500, detail: PostmanDetail.updateFailed)
        #expect(!response.text.contains("injected"))
        try fault.undo()
        try state.expectUnchanged()
        #expect(try fixture.client.send(request).status == 200)
    }
}
