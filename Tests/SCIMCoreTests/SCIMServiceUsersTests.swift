import SCIMCore
import SCIMTestSupport
import Testing

struct SCIMServiceUsersTests {
    private let usernameText = ErrorCatalogue.PostmanText.usernameNotUpdated

    // MARK: - PUT

    @Test("PUT of Postman's example body updates the name and returns the user")
    func putSeedBody() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("test.user@acme.example")

        let result = try fixture.put(
            id,
            #""userName":"test.user@acme.example","name":{"givenName":"Taylor","familyName":"Lee"},"#
                + #""externalId":"23123123","locale":"en-US","groups":[],"active":true"#)

        let object = try #require(result.objectValue)
        #expect(object.members.map(\.key) == ["schemas", "id", "userName", "name", "active", "meta"])
        #expect(
            object["name"] == .object(JSONObject([("givenName", .string("Taylor")), ("familyName", .string("Lee"))])))
        #expect(fixture.storedUser(id)?.givenName == "Taylor")
        #expect(fixture.storedUser(id)?.version == 2)
    }

    @Test("PUT that deactivates the caller's own admin gets 403")
    func selfDeactivation() throws {
        let fixture = try ServiceFixture()

        let error = thrownError { () throws(SCIMError) in
            try fixture.put(fixture.caller.adminUserID, #""active":false"#)
        }

        #expect(error?.status == 403)
        #expect(error?.detail == ErrorCatalogue.PostmanText.adminActionNotAllowed)
        #expect(fixture.storedUser(fixture.caller.adminUserID)?.active == true)
    }

    @Test("PUT that renames the caller's own admin gets 403")
    func selfRename() throws {
        let fixture = try ServiceFixture()

        let error = thrownError { () throws(SCIMError) in
            try fixture.put(fixture.caller.adminUserID, #""userName":"chief@acme.example""#)
        }

        #expect(error?.status == 403)
        #expect(error?.detail == ErrorCatalogue.PostmanText.adminActionNotAllowed)
    }

    @Test("PATCH that deactivates the caller's own admin gets 403")
    func selfDeactivationByPatch() throws {
        let fixture = try ServiceFixture()

        let error = thrownError { () throws(SCIMError) in
            try fixture.patch(fixture.caller.adminUserID, #"{"op":"Replace","path":"active","value":"False"}"#)
        }

        #expect(error?.status == 403)
    }

    @Test(
        "PUT userName change that the team's rules forbid gets Postman's 400",
        arguments: [
            "new@unverified.example", "not-an-email", "two@@acme.example", "taken@acme.example", "TAKEN@acme.example",
            "",
        ])
    func forbiddenRename(userName: String) throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")
        _ = try fixture.createUser("taken@acme.example")

        let error = thrownError { () throws(SCIMError) in try fixture.put(id, #""userName":"\#(userName)""#) }

        #expect(error?.status == 400)
        #expect(error?.scimType == nil)
        #expect(error?.detail == usernameText)
        #expect(fixture.storedUser(id)?.userName == "member@acme.example")
    }

    @Test("PUT userName held by another team's member gets Postman's 400")
    func renameToOtherTeamsUser() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")
        let other = try fixture.otherTeamCaller()
        _ = try fixture.createUser("outsider@acme.example", caller: other)

        let error = thrownError { () throws(SCIMError) in try fixture.put(id, #""userName":"outsider@acme.example""#) }

        #expect(error?.detail == usernameText)
    }

    @Test("PUT userName change within a verified domain is stored")
    func allowedRename() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")

        _ = try fixture.put(id, #""userName":"member.new@ACME.example""#)

        #expect(fixture.storedUser(id)?.userName == "member.new@ACME.example")
    }

    @Test("PUT that changes only the case of the userName is allowed")
    func caseOnlyRename() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")

        _ = try fixture.put(id, #""userName":"Member@acme.example""#)

        #expect(fixture.storedUser(id)?.userName == "Member@acme.example")
    }

    @Test("PUT with unchanged values keeps version and lastModified")
    func unchangedPut() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")
        let before = try #require(fixture.storedUser(id))

        _ = try fixture.put(id, #""userName":"member@acme.example","active":true"#)

        #expect(fixture.storedUser(id) == before)
    }

    @Test("Bad PUT bodies get Postman's invalid-payload 400")
    func badPutBodies() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")
        let bodies = ["", "not json", "[]", #"{"userName":"a@acme.example"}"#, #"{"schemas":["urn:x"]}"#]

        for body in bodies {
            let error = thrownError { () throws(SCIMError) in
                try fixture.service.replaceUser(fixture.caller, id: id, body: bytes(body), context: testContext())
            }
            #expect(error?.status == 400, "\(body)")
            #expect(error?.scimType == .invalidSyntax)
            #expect(error?.detail == ErrorCatalogue.PostmanText.invalidPayload)
        }
        #expect(thrownError { () throws(SCIMError) in try fixture.put(id, #""name":"x""#) }?.scimType == .invalidSyntax)
        #expect(thrownError { () throws(SCIMError) in try fixture.put(id, #""active":3"#) }?.scimType == .invalidSyntax)
    }

    // MARK: - Other teams and unknown ids

    @Test("Another team's user is 403 in postman and 404 in rfc", arguments: Profile.allCases)
    func otherTeamsUser(profile: Profile) throws {
        let fixture = try ServiceFixture(profile: profile)
        let other = try fixture.otherTeamCaller()
        let id = try fixture.createUser("outsider@other.example", caller: other)
        let expected = profile == .postman ? 403 : 404

        let get = thrownError { () throws(SCIMError) in
            try fixture.service.getUser(fixture.caller, id: id, context: testContext())
        }
        let put = thrownError { () throws(SCIMError) in
            try fixture.put(id, #""userName":"outsider@other.example","active":false"#)
        }
        let patch = thrownError { () throws(SCIMError) in
            try fixture.patch(id, #"{"op":"replace","value":{"active":false}}"#)
        }

        #expect(get?.status == expected)
        #expect(put?.status == expected)
        #expect(patch?.status == expected)
        #expect(fixture.storedUser(id)?.active == true)
        if profile == .postman {
            #expect(get?.detail == ErrorCatalogue.PostmanText.notTeamMember)
        }
    }

    @Test(
        "Unknown or malformed ids are 404",
        arguments: [
            "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99", "abc",
            "405775FE15ED41872A8EEA4C8AA2B38CDA9749812CC55C99", "",
        ])
    func unknownID(id: String) throws {
        let fixture = try ServiceFixture()

        let error = thrownError { () throws(SCIMError) in
            try fixture.service.getUser(fixture.caller, id: id, context: testContext())
        }

        #expect(error?.status == 404)
        #expect(error?.detail == ErrorCatalogue.PostmanText.notTeamMember)
    }

    // MARK: - Store failures

    @Test("Store failure becomes the operation's Postman 500 text")
    func storeFailures() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")
        fixture.store.failTransactions(with: .internalFailure("database is locked"))
        let user = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"n@acme.example"}"#
        let cases: [(String, () throws(SCIMError) -> JSONValue)] = [
            (
                ErrorCatalogue.PostmanText.fetchMembersFailed,
                { () throws(SCIMError) in
                    try fixture.service.listUsers(fixture.caller, ListParameters(), context: testContext())
                }
            ),
            (
                ErrorCatalogue.PostmanText.fetchUserFailed,
                { () throws(SCIMError) in
                    try fixture.service.getUser(fixture.caller, id: id, context: testContext())
                }
            ),
            (
                ErrorCatalogue.PostmanText.updateFailed,
                { () throws(SCIMError) in
                    try fixture.service.createUser(fixture.caller, body: bytes(user), context: testContext()).resource
                }
            ),
            (
                ErrorCatalogue.PostmanText.updateFailed,
                { () throws(SCIMError) in try fixture.put(id, #""active":false"#) }
            ),
            (
                ErrorCatalogue.PostmanText.updateFailed,
                { () throws(SCIMError) in
                    try fixture.patch(id, #"{"op":"replace","path":"active","value":false}"#)
                }
            ),
        ]

        for (text, call) in cases {
            let error = thrownError(call)
            #expect(error?.status == 500)
            #expect(error?.detail == text)
            #expect(error?.underlying == "database is locked")
        }
    }

    @Test("RFC 500 names the request id only")
    func rfcStoreFailure() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        fixture.store.failTransactions(with: .internalFailure("database is locked"))

        let error = thrownError { () throws(SCIMError) in
            try fixture.service.listUsers(fixture.caller, ListParameters(), context: testContext(requestID: "req-77"))
        }

        #expect(error?.status == 500)
        #expect(error?.detail.contains("req-77") == true)
        #expect(error?.detail.contains("locked") == false)
    }

    // MARK: - POST, PATCH and listing

    @Test("POST of a userName any team has gets 409, letter case ignored")
    func duplicateUserName() throws {
        let fixture = try ServiceFixture()
        let other = try fixture.otherTeamCaller()
        _ = try fixture.createUser("someone@other.example", caller: other)

        let error = thrownError { () throws(SCIMError) in
            _ = try fixture.service.createUser(
                fixture.caller,
                body: bytes(
                    #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"SomeOne@other.example"}"#),
                context: testContext())
        }

        #expect(error?.status == 409)
        #expect(error?.scimType == .uniqueness)
        #expect(error?.detail == ErrorCatalogue.PostmanText.alreadyMember)
    }

    @Test("Okta's PATCH deactivates and returns the user")
    func oktaDeactivation() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")

        let result = try fixture.patch(id, #"{"op":"replace","value":{"active":false}}"#)

        #expect(result.objectValue?["active"] == .bool(false))
        #expect(fixture.storedUser(id)?.active == false)
        #expect(fixture.storedUser(id)?.version == 2)
    }

    @Test("PATCH userName to an unverified domain gets Postman's 400")
    func patchRenameUnverified() throws {
        let fixture = try ServiceFixture()
        let id = try fixture.createUser("member@acme.example")

        let error = thrownError { () throws(SCIMError) in
            try fixture.patch(id, #"{"op":"replace","path":"userName","value":"x@elsewhere.example"}"#)
        }

        #expect(error?.detail == usernameText)
    }

    @Test("Unsupported filter gets Postman's 400 without scimType")
    func unsupportedFilter() throws {
        let fixture = try ServiceFixture()

        let error = thrownError { () throws(SCIMError) in
            try fixture.service.listUsers(
                fixture.caller, ListParameters(filter: #"displayName eq "x""#), context: testContext())
        }

        #expect(error?.status == 400)
        #expect(error?.scimType == nil)
        #expect(error?.detail == ErrorCatalogue.PostmanText.unsupportedFilter)
    }

    @Test("userName filter is case-sensitive and echoes count as itemsPerPage")
    func userNameFilter() throws {
        let fixture = try ServiceFixture()
        _ = try fixture.createUser("member@acme.example")

        let exact = try fixture.service.listUsers(
            fixture.caller, ListParameters(filter: #"userName eq "member@acme.example""#, count: "2"),
            context: testContext())
        let otherCase = try fixture.service.listUsers(
            fixture.caller, ListParameters(filter: #"userName eq "Member@acme.example""#), context: testContext())

        #expect(exact.objectValue?["totalResults"] == .integer(1))
        #expect(exact.objectValue?["itemsPerPage"] == .integer(2))
        #expect(otherCase.objectValue?["totalResults"] == .integer(0))
    }
}
