import SCIMTestSupport
import Testing

/// What a group PATCH and a user PATCH return, per profile and with `--group-patch-response`.
struct GroupPatchTests {
    static let rename = #"{"op":"replace","path":"displayName","value":"Platform"}"#

    @Test("group PATCH answers 200 with the group in the postman profile")
    func postmanAnswersGroup() throws {
        let fixture = try TeamServer(profile: "postman")
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice])

        let response = try fixture.patchGroup(id, Self.rename)

        #expect(response.status == 200, "\(response)")
        expectSCIMContentType(response)
        #expect(response.json["id"].string == id)
        #expect(response.json["displayName"].string == "Platform")
        #expect(response.json["members"][0]["value"].string == alice)
        #expect(response.text == (try fixture.getGroup(id).text))
    }

    @Test("group PATCH answers 204 in the rfc profile")
    func rfcAnswersNoContent() throws {
        let fixture = try TeamServer(profile: "rfc")
        let id = try fixture.createGroup("Engineering")

        let response = try fixture.patchGroup(id, Self.rename)

        #expect(response.status == 204, "\(response)")
        #expect(response.body.isEmpty)
        #expect(try fixture.getGroup(id).json["displayName"].string == "Platform")
    }

    @Test("rfc group PATCH with attributes answers 200 with them")
    func rfcAnswersRequestedAttributes() throws {
        let fixture = try TeamServer(profile: "rfc")
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice])

        let response = try fixture.patchGroup(id, query: "?attributes=displayName", Self.rename)

        #expect(response.status == 200, "\(response)")
        #expect(response.json.keys == ["schemas", "id", "displayName"])
        #expect(response.json["displayName"].string == "Platform")
    }

    @Test("rfc group PATCH with excludedAttributes answers 200 without them")
    func rfcAnswersWithoutExcludedAttributes() throws {
        let fixture = try TeamServer(profile: "rfc")
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice])

        let response = try fixture.patchGroup(
            id, query: "?excludedAttributes=members", GroupJSON.removeMember(alice), Self.rename)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["members"].isMissing)
        #expect(response.json["displayName"].string == "Platform")
        #expect(try fixture.memberIDs(ofGroup: id) == [])
    }

    @Test("group-patch-response resource makes rfc PATCH answer 200")
    func resourceSettingAnswersGroup() throws {
        let fixture = try TeamServer(profile: "rfc", ["--group-patch-response", "resource"])
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering")

        let response = try fixture.patchGroup(id, GroupJSON.addMembers([alice]))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["id"].string == id)
        #expect(response.json["members"][0]["value"].string == alice)
        #expect(response.json["meta"]["location"].string == "\(fixture.server.origin)/scim/v2/Groups/\(id)")
    }

    @Test("group-patch-response no-content keeps the rfc default")
    func noContentSettingAnswersNoContent() throws {
        let fixture = try TeamServer(profile: "rfc", ["--group-patch-response", "no-content"])
        let id = try fixture.createGroup("Engineering")

        let response = try fixture.patchGroup(id, Self.rename)

        #expect(response.status == 204, "\(response)")
    }

    @Test("unknown group-patch-response is a usage error")
    func unknownSettingIsUsageError() throws {
        let scimd = try ScimdProcess()

        let result = try scimd.run(["serve", "--listen", "127.0.0.1:0", "--group-patch-response", "sometimes"])

        #expect(result.exit == .exited(2), "\(result)")
    }

    @Test("user PATCH answers 200 with the user", arguments: [["postman"], ["rfc"], ["rfc", "resource"]])
    func userPatchAnswersUser(settings: [String]) throws {
        let extra = settings.count > 1 ? ["--group-patch-response", settings[1]] : []
        let fixture = try TeamServer(profile: settings[0], extra)
        let alice = try fixture.createUser("alice@acme.test")

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(alice)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","path":"name.givenName","value":"Alicia"}"#))

        #expect(response.status == 200, "\(response)")
        #expect(response.json["id"].string == alice)
        #expect(response.json["name"]["givenName"].string == "Alicia")
        #expect(response.text == (try fixture.getUser(alice).text))
    }

    @Test("group PATCH that changes nothing keeps lastModified", arguments: ["postman", "rfc"])
    func noOpPatchKeepsLastModified(profile: String) throws {
        let fixture = try TeamServer(profile: profile)
        let alice = try fixture.createUser("alice@acme.test")
        let id = try fixture.createGroup("Engineering", memberIDs: [alice])
        let before = try fixture.getGroup(id).text

        let response = try fixture.patchGroup(
            id, GroupJSON.addMembers([alice]), #"{"op":"replace","value":{"id":"\#(id)","displayName":"Engineering"}}"#)

        #expect(response.status == (profile == "postman" ? 200 : 204), "\(response)")
        #expect(try fixture.getGroup(id).text == before)
    }
}
