import Foundation
import SCIMTestSupport
import Testing

/// The group endpoints: representation, listing, reads across teams, PUT per profile, and reads that
/// leave out members.
struct GroupsTests {
    static let profiles = ["postman", "rfc"]

    @Test("created group has documented shape", arguments: profiles)
    func createdGroupShape(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")

        let response = try fixture.client.post(
            "/scim/v2/Groups", key: fixture.adminKey,
            json: GroupJSON.create(displayName: "Engineering", memberIDs: [alice], externalId: "eng-1"))

        #expect(response.status == 201, "\(response)")
        expectSCIMContentType(response)
        let group = response.json
        let id = try #require(group["id"].string)
        #expect(isResourceID(id))
        #expect(response.header("Location") == "\(fixture.server.origin)/scim/v2/Groups/\(id)")
        #expect(group.keys == ["schemas", "id", "displayName", "externalId", "members", "meta"])
        #expect(group["schemas"].strings == [GroupJSON.groupSchema])
        #expect(group["members"][0]["value"].string == alice)
        #expect(group["members"][0]["display"].string == "alice@acme.test")
        #expect(group["meta"]["resourceType"].string == "Group")
        #expect(isTimestamp(group["meta"]["created"].string))
        #expect(isTimestamp(group["meta"]["lastModified"].string))
        if profile == "postman" {
            #expect(group["meta"].keys == ["resourceType", "created", "lastModified"])
            #expect(group["members"][0].keys == ["value", "display"])
        } else {
            #expect(group["meta"]["location"].string == "\(fixture.server.origin)/scim/v2/Groups/\(id)")
            #expect(group["meta"]["version"].string != nil)
            #expect(group["members"][0]["$ref"].string == "\(fixture.server.origin)/scim/v2/Users/\(alice)")
            #expect(group["members"][0]["type"].string == "User")
        }
        #expect(try fixture.getGroup(id).text == response.text)
    }

    @Test("member type other than User is rejected", arguments: profiles)
    func memberTypeGroupRejected(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")
        let body = """
            {"schemas":["\(GroupJSON.groupSchema)"],"displayName":"Nested","members":[{"value":"\(alice)","type":"Group"}]}
            """

        let response = try fixture.client.post("/scim/v2/Groups", key: fixture.adminKey, json: body)

        #expect(response.status == 400, "\(response)")
        let listed = try fixture.client.get("/scim/v2/Groups", key: fixture.adminKey)
        #expect(listed.json["totalResults"].int == 0)
    }

    @Test("list pages in creation order", arguments: profiles)
    func listPagesInCreationOrder(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        for name in ["Alpha", "Beta", "Gamma"] { try fixture.createGroup(name) }

        let page = try fixture.client.get("/scim/v2/Groups?startIndex=2&count=1", key: fixture.adminKey)
        let all = try fixture.client.get("/scim/v2/Groups", key: fixture.adminKey)

        #expect(page.status == 200, "\(page)")
        #expect(page.json["totalResults"].int == 3)
        #expect(page.json["startIndex"].int == 2)
        #expect(page.json["itemsPerPage"].int == 1)
        #expect(page.json["Resources"].count == 1)
        #expect(page.json["Resources"][0]["displayName"].string == "Beta")
        let names = (all.json["Resources"].array ?? []).compactMap { $0["displayName"].string }
        #expect(names == ["Alpha", "Beta", "Gamma"])
        #expect(all.json["Resources"][0]["members"].count == 0)
    }

    @Test("group of another team is not found", arguments: profiles)
    func otherTeamGroupNotFound(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let otherKey = try fixture.scimd.createTeam("globex", admin: "admin@globex.test", domains: ["globex.test"])
        let other = try fixture.client.post(
            "/scim/v2/Groups", key: otherKey, json: GroupJSON.create(displayName: "Globex Engineering"))
        let id = try #require(other.json["id"].string, "\(other)")
        let before = try fixture.store.snapshot()

        let read = try fixture.getGroup(id)
        let patch = try fixture.patchGroup(id, #"{"op":"replace","path":"displayName","value":"Taken"}"#)
        let delete = try fixture.client.send("DELETE", "/scim/v2/Groups/\(id)", key: fixture.adminKey)
        let listed = try fixture.client.get("/scim/v2/Groups", key: fixture.adminKey)

        let detail = profile == "postman" ? "This group isn't a member of the team." : nil
        expectSCIMError(read, status: 404, detail: detail)
        expectSCIMError(patch, status: 404, detail: detail)
        expectSCIMError(delete, status: 404, detail: detail)
        #expect(listed.json["totalResults"].int == 0)
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("malformed group id is not found", arguments: profiles)
    func malformedGroupIDNotFound(profile: String) throws {
        let fixture = try TeamServer(profile: profile)

        let response = try fixture.getGroup("not-an-id")

        expectSCIMError(
            response, status: 404, detail: profile == "postman" ? "This group isn't a member of the team." : nil)
    }

    @Test("PUT of a group is 405 in the postman profile")
    func putGroupNotAllowedInPostman() throws {
        let fixture = try TeamServer(profile: "postman")
        let id = try fixture.createGroup("Engineering")

        let response = try fixture.client.put(
            "/scim/v2/Groups/\(id)", key: fixture.adminKey, json: GroupJSON.create(displayName: "Renamed"))

        expectSCIMError(response, status: 405)
        let allowed = (response.header("Allow") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(Set(allowed) == ["GET", "PATCH", "DELETE"], "\(response)")
        #expect(try fixture.getGroup(id).json["displayName"].string == "Engineering")
    }

    @Test("PUT of a group replaces it in the rfc profile")
    func putGroupReplacesInRFC() throws {
        let fixture = try TeamServer(profile: "rfc")
        let alice = try fixture.createUser("alice@acme.test")
        let bob = try fixture.createUser("bob@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice], externalId: "eng-1")

        let response = try fixture.client.put(
            "/scim/v2/Groups/\(id)", key: fixture.adminKey,
            json: GroupJSON.create(displayName: "Platform", memberIDs: [bob]))

        #expect(response.status == 200, "\(response)")
        let group = try fixture.getGroup(id).json
        #expect(group["displayName"].string == "Platform")
        #expect(group["externalId"].isMissing)
        #expect(group["members"].count == 1)
        #expect(group["members"][0]["value"].string == bob)
    }

    @Test("rfc group PUT with stranger changes nothing")
    func putGroupWithStrangerChangesNothing() throws {
        let fixture = try TeamServer(profile: "rfc")
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice])
        let before = try fixture.store.snapshot()

        let response = try fixture.client.put(
            "/scim/v2/Groups/\(id)", key: fixture.adminKey,
            json: GroupJSON.create(displayName: "Platform", memberIDs: [String(repeating: "a", count: 48)]))

        expectSCIMError(response, status: 400, scimType: "invalidValue")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("DELETE of a group answers 204 without a body", arguments: profiles)
    func deleteGroupAnswersNoContent(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let id = try fixture.createGroup("Engineering")

        let response = try fixture.client.send("DELETE", "/scim/v2/Groups/\(id)", key: fixture.adminKey)

        #expect(response.status == 204, "\(response)")
        #expect(response.body.isEmpty)
        #expect(try fixture.getGroup(id).status == 404)
    }

    @Test("reads without members never read memberships", arguments: profiles)
    func readsWithoutMembersSkipMemberships(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice])
        // NOTE: the displayName-filtered listing is left out, because its one SQL statement names the
        // memberships table (for the rfc member filter) even when it reads no membership row, so hiding
        // the table fails it without proving that members were loaded.
        let fault = try fixture.store.hideTable("group_members")
        defer { try? fault.undo() }

        let single = try fixture.getGroup(id, query: "?excludedAttributes=members")
        let listed = try fixture.client.get("/scim/v2/Groups?excludedAttributes=members", key: fixture.adminKey)
        let listedNames = try fixture.client.get("/scim/v2/Groups?attributes=displayName", key: fixture.adminKey)
        let selected = try fixture.getGroup(id, query: "?attributes=displayName")
        let withMembers = try fixture.getGroup(id)

        #expect(single.status == 200, "\(single)")
        #expect(single.json["members"].isMissing)
        #expect(single.json["displayName"].string == "Engineering")
        #expect(listed.status == 200, "\(listed)")
        #expect(listed.json["totalResults"].int == 1)
        #expect(listed.json["Resources"][0]["members"].isMissing)
        #expect(listedNames.status == 200, "\(listedNames)")
        #expect(listedNames.json["Resources"][0].keys == ["schemas", "id", "displayName"])
        #expect(selected.status == 200, "\(selected)")
        #expect(selected.json.keys == ["schemas", "id", "displayName"])
        // The same read with members fails while the table is hidden, so the reads above did not touch it.
        #expect(withMembers.status == 500, "\(withMembers)")
        try fault.undo()
        #expect(try fixture.memberIDs(ofGroup: id) == [alice])
    }
}
