import SCIMTestSupport
import Testing

/// The attribute characteristics of RFC 7643 §7 (mutability, required, returned, uniqueness and
/// caseExact) and data types of §2.3, as the rfc profile enforces them on the User, enterprise User
/// and Group schemas. Every rejected request leaves the database as it was.
struct SchemaRulesTests {
    private static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    private func rfcServer() throws -> TeamServer {
        try TeamServer(serveArguments: ["--profile", "rfc", "--rate-limit-writes", "0", "--rate-limit-reads", "0"])
    }

    private func userBody(_ members: String) -> String {
        #"{"schemas":["\#(UserJSON.userSchema)","\#(Self.enterprise)"],\#(members)}"#
    }

    // MARK: - mutability

    @Test("RFC 7644 §3.5.1: read-only values in a POST are ignored")
    func readOnlyIgnoredOnCreate() throws {
        let fixture = try rfcServer()
        let sentID = String(repeating: "a", count: 48)
        let body = userBody(
            #"""
            "id":"\#(sentID)","userName":"sam@acme.test","meta":{"created":"2001-01-01T00:00:00Z"},
            "groups":[{"value":"g1","display":"Ops"}],
            "\#(Self.enterprise)":{"manager":{"value":"m1","displayName":"Boss"}}
            """#)

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        #expect(response.status == 201, "\(response)")
        #expect(response.json["id"].string != sentID)
        #expect(response.json["groups"].isMissing)
        #expect(response.json["meta"]["created"].string != "2001-01-01T00:00:00Z")
        #expect(response.json[Self.enterprise]["manager"].keys == ["value"])
        let id = try #require(response.json["id"].string)
        #expect(try fixture.getUser(id).json[Self.enterprise]["manager"].keys == ["value"])
    }

    @Test("RFC 7644 §3.5.2: PATCH of a read-only sub-attribute is 400 mutability")
    func readOnlySubAttributePatch() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","path":"\#(Self.enterprise):manager.displayName","value":"Boss"}"#))

        expectSCIMError(response, status: 400, scimType: "mutability")
        try state.expectUnchanged()
    }

    @Test("RFC 7644 §3.5.2: PATCH of the read-only groups is 400 mutability")
    func readOnlyGroupsPatch() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"add","path":"groups","value":[{"value":"g1"}]}"#))

        expectSCIMError(response, status: 400, scimType: "mutability")
        try state.expectUnchanged()
    }

    // MARK: - required

    @Test("RFC 7643 §4.1.1: POST without the required userName is 400 invalidValue")
    func createWithoutUserName() throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: #"{"schemas":["\#(UserJSON.userSchema)"],"nickName":"Sam"}"#)

        expectSCIMError(response, status: 400, scimType: "invalidValue")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("RFC 7644 §3.5.1: PUT without the required userName is 400 invalidValue")
    func replaceWithoutUserName() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.put(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: #"{"schemas":["\#(UserJSON.userSchema)"],"nickName":"Sam"}"#)

        expectSCIMError(response, status: 400, scimType: "invalidValue")
        try state.expectUnchanged()
    }

    @Test(
        "RFC 7644 §3.5.2.2: removing the required userName is 400 mutability",
        arguments: [
            #"{"op":"remove","path":"userName"}"#, #"{"op":"replace","path":"userName","value":null}"#,
        ])
    func removeUserName(operation: String) throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")
        let state = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey, json: UserJSON.patch(operation))

        expectSCIMError(response, status: 400, scimType: "mutability")
        try state.expectUnchanged()
    }

    @Test("RFC 7643 §4.2: POST of a group without displayName is 400 invalidValue")
    func groupWithoutDisplayName() throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post(
            "/scim/v2/Groups", key: fixture.adminKey, json: #"{"schemas":["\#(GroupJSON.groupSchema)"],"members":[]}"#)

        expectSCIMError(response, status: 400, scimType: "invalidValue")
        #expect(try fixture.store.snapshot() == before)
    }

    // MARK: - data types

    @Test(
        "RFC 7643 §2.3: a value of the wrong type is 400 invalidValue",
        arguments: [
            #""userName":"sam@acme.test","active":"maybe""#,
            #""userName":7"#,
            #""userName":"sam@acme.test","name":"Sam""#,
            #""userName":"sam@acme.test","name":{"nickname":"Sam"}"#,
            #""userName":"sam@acme.test","emails":[{"value":5}]"#,
            #""userName":"sam@acme.test","emails":[{"primary":"often"}]"#,
            #""userName":"sam@acme.test","phoneNumbers":"555""#,
            #""userName":"sam@acme.test","favouriteColour":"blue""#,
            #""userName":"sam@acme.test","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":4}"#,
        ])
    func wrongTypeRejected(members: String) throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: userBody(members))

        expectSCIMError(response, status: 400, scimType: "invalidValue")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("RFC 7644 §3.12: a body that is not JSON is 400 invalidSyntax")
    func brokenJSONRejected() throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: #"{"schemas":["\#(UserJSON.userSchema)"],"userName":"#)

        expectSCIMError(response, status: 400, scimType: "invalidSyntax")
        #expect(try fixture.store.snapshot() == before)
    }

    // MARK: - returned

    @Test("RFC 7643 §7: id is returned always, even when excluded")
    func alwaysReturnedSurvivesExclusion() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("sam@acme.test")

        let excluded = try fixture.client.get(
            "/scim/v2/Users/\(id)?excludedAttributes=id,userName", key: fixture.adminKey)
        let selected = try fixture.client.get("/scim/v2/Users/\(id)?attributes=nickName", key: fixture.adminKey)

        #expect(excluded.json["id"].string == id)
        #expect(excluded.json["userName"].isMissing)
        #expect(selected.json.keys == ["schemas", "id"])
    }

    // MARK: - uniqueness and caseExact

    @Test("RFC 7643 §4.1.1: userName is unique without regard to case (caseExact false)")
    func userNameUniqueIgnoringCase() throws {
        let fixture = try rfcServer()
        _ = try fixture.createUser("sam@acme.test")
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: userBody(#""userName":"SAM@acme.test""#))

        expectSCIMError(response, status: 409, scimType: "uniqueness")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("Group displayName is unique per team without regard to case")
    func displayNameUniqueIgnoringCase() throws {
        let fixture = try rfcServer()
        let created = try fixture.client.post(
            "/scim/v2/Groups", key: fixture.adminKey, json: GroupJSON.create(displayName: "Ops"))
        #expect(created.status == 201, "\(created)")
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post(
            "/scim/v2/Groups", key: fixture.adminKey, json: GroupJSON.create(displayName: "OPS"))

        expectSCIMError(response, status: 409, scimType: "uniqueness")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("User displayName is not unique: two users may share it")
    func userDisplayNameNotUnique() throws {
        let fixture = try rfcServer()
        let first = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: userBody(#""userName":"a@acme.test","displayName":"Sam""#))

        let second = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: userBody(#""userName":"b@acme.test","displayName":"Sam""#))

        #expect(first.status == 201, "\(first)")
        #expect(second.status == 201, "\(second)")
    }

    // MARK: - members

    @Test("RFC 7643 §2.4: a member's display is kept as sent; without one it is the userName")
    func memberDisplayEchoed() throws {
        let fixture = try rfcServer()
        let sam = try fixture.createUser("sam@acme.test")
        let ivy = try fixture.createUser("ivy@acme.test")
        let body = #"""
            {"schemas":["\#(GroupJSON.groupSchema)"],"displayName":"Ops",
             "members":[{"value":"\#(sam)","display":"Sam Custom"},{"value":"\#(ivy)"}]}
            """#

        let created = try fixture.client.post("/scim/v2/Groups", key: fixture.adminKey, json: body)
        let id = try #require(created.json["id"].string)
        let read = try fixture.client.get("/scim/v2/Groups/\(id)", key: fixture.adminKey)

        #expect(created.status == 201, "\(created)")
        for group in [created.json, read.json] {
            #expect(group["members"][0]["display"].string == "Sam Custom")
            #expect(group["members"][1]["display"].string == "ivy@acme.test")
        }
    }

    @Test("RFC 7643 §4.2: changing one member's display is 400 mutability")
    func memberDisplayImmutable() throws {
        let fixture = try rfcServer()
        let sam = try fixture.createUser("sam@acme.test")
        let created = try fixture.client.post(
            "/scim/v2/Groups", key: fixture.adminKey, json: GroupJSON.create(displayName: "Ops", memberIDs: [sam]))
        let id = try #require(created.json["id"].string)
        let before = try fixture.store.snapshot()

        let response = try fixture.client.patch(
            "/scim/v2/Groups/\(id)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","path":"members[value eq \"\#(sam)\"].display","value":"Sam"}"#))

        expectSCIMError(response, status: 400, scimType: "mutability")
        #expect(try fixture.store.snapshot() == before)
    }

    // MARK: - discovery

    @Test("RFC 7643 §7: /Schemas states each attribute's characteristics")
    func schemaCharacteristics() throws {
        let fixture = try rfcServer()

        let user = try fixture.client.get("/scim/v2/Schemas/\(UserJSON.userSchema)", key: fixture.adminKey).json
        let group = try fixture.client.get("/scim/v2/Schemas/\(GroupJSON.groupSchema)", key: fixture.adminKey).json

        let userAttributes = try #require(user["attributes"].array)
        let userName = try #require(userAttributes.first { $0["name"].string == "userName" })
        let displayName = try #require(userAttributes.first { $0["name"].string == "displayName" })
        let password = try #require(userAttributes.first { $0["name"].string == "password" })
        let addresses = try #require(userAttributes.first { $0["name"].string == "addresses" })
        let addressType = try #require(addresses["subAttributes"].array?.first { $0["name"].string == "type" })
        #expect(userName["uniqueness"].string == "server")
        #expect(userName["required"].bool == true)
        #expect(displayName["uniqueness"].string == "none")
        #expect(password["mutability"].string == "writeOnly")
        #expect(password["returned"].string == "never")
        #expect(addressType["canonicalValues"].strings == ["work", "home", "other"])
        let groupAttributes = try #require(group["attributes"].array)
        let groupName = try #require(groupAttributes.first { $0["name"].string == "displayName" })
        let members = try #require(groupAttributes.first { $0["name"].string == "members" })
        let display = try #require(members["subAttributes"].array?.first { $0["name"].string == "display" })
        #expect(groupName["uniqueness"].string == "server")
        #expect(display["mutability"].string == "immutable")
    }
}
