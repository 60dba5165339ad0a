import SCIMTestSupport
import Testing

/// Creating, reading and listing users through `/scim/v2/Users`.
struct UsersTests {
    @Test("POST creates a user: 201, Location and the stored attributes only")
    func createReturnsUserAndLocation() throws {
        let fixture = try TeamServer()
        let okta = """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "alice@acme.test",
             "name": {"givenName": "Alice", "familyName": "Example"},
             "emails": [{"primary": true, "value": "alice@acme.test", "type": "work"}],
             "displayName": "Alice Example", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
             "groups": [], "password": "1mz050nq", "active": true}
            """

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: okta)

        #expect(response.status == 201, "\(response)")
        expectSCIMContentType(response)
        let user = response.json
        #expect(user.keys == ["schemas", "id", "userName", "name", "externalId", "active", "meta"])
        expectUserShape(user)
        #expect(user["userName"].string == "alice@acme.test")
        #expect(user["name"]["givenName"].string == "Alice")
        #expect(user["name"]["familyName"].string == "Example")
        #expect(user["externalId"].string == "00ujl29u0le5T6Aj10h7")
        #expect(user["active"].bool == true)
        #expect(user["meta"]["created"] == user["meta"]["lastModified"])
        let id = try #require(user["id"].string)
        #expect(response.header("Location") == "\(fixture.server.origin)/scim/v2/Users/\(id)")
        #expect(!response.text.contains("1mz050nq"))
        #expect(try fixture.getUser(id).json == user)
    }

    @Test("POST accepts Entra's create body with the enterprise extension")
    func createAcceptsEntraBody() throws {
        let fixture = try TeamServer()
        let entra = """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": "alice@acme.test", "active": true,
             "emails": [{"primary": true, "type": "work", "value": "alice@acme.test"}],
             "meta": {"resourceType": "User"},
             "name": {"formatted": "Alice Example", "familyName": "Example", "givenName": "Alice"}, "roles": []}
            """

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: entra)

        #expect(response.status == 201, "\(response)")
        expectUserShape(response.json)
        #expect(response.json["externalId"].string == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")
        #expect(response.json["name"]["familyName"].string == "Example")
    }

    @Test("POST ignores a client-supplied id and meta")
    func createIgnoresReadOnlyAttributes() throws {
        let fixture = try TeamServer()
        let body = """
            {"schemas":["\(UserJSON.userSchema)"],"id":"405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99",
            "userName":"bob@acme.test","meta":{"resourceType":"User","created":"2001-01-01T00:00:00.000Z"}}
            """

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        #expect(response.status == 201, "\(response)")
        #expect(response.json["id"].string != "405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99")
        #expect(response.json["meta"]["created"].string != "2001-01-01T00:00:00.000Z")
        #expect(response.json["name"].isMissing)
        #expect(response.json["externalId"].isMissing)
    }

    @Test(
        "POST rejects a missing or malformed userName",
        arguments: [
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"active":true}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"no-at-sign"}"#,
            #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":""}"#,
        ])
    func createRequiresEmailUserName(body: String) throws {
        let fixture = try TeamServer()
        let database = try fixture.store.snapshot()

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        #expect(response.status == 400, "\(response)")
        expectSCIMContentType(response)
        #expect(response.json["schemas"].strings == [UserJSON.errorSchema])
        #expect(try fixture.store.snapshot() == database)
    }

    @Test(
        "POST with a taken userName is a 409 conflict",
        arguments: ["taken@acme.test", "TAKEN@ACME.TEST", "elsewhere@other.test"])
    func duplicateUserNameConflicts(userName: String) throws {
        let fixture = try TeamServer()
        try fixture.createUser("taken@acme.test")
        let otherKey = try fixture.scimd.createTeam("other", admin: "admin@other.test", domains: ["other.test"])
        try fixture.createUser("elsewhere@other.test", key: otherKey)
        let database = try fixture.store.snapshot()
        let body = UserJSON.create(userName: userName, givenName: "Dup", familyName: "Licate")

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        expectSCIMError(response, status: 409, scimType: "uniqueness", detail: PostmanDetail.alreadyMember)
        #expect(try fixture.store.snapshot() == database)
    }

    @Test("non-ASCII names round-trip")
    func unicodeNamesRoundTrip() throws {
        let fixture = try TeamServer()
        let body = """
            {"schemas":["\(UserJSON.userSchema)"],"userName":"zoe@acme.test",\
            "name":{"givenName":"Zo\\u00eb","familyName":"李 🚀 \\"quoted\\""}}
            """

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        #expect(response.status == 201, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Zo\u{EB}")
        #expect(response.json["name"]["familyName"].string == "李 🚀 \"quoted\"")
        let id = try #require(response.json["id"].string)
        #expect(try fixture.getUser(id).json["name"] == response.json["name"])
    }

    @Test("a userName with + is found by an encoded filter")
    func plusInUserName() throws {
        let fixture = try TeamServer()
        try fixture.createUser("alice+tag@acme.test")

        let encoded = try fixture.client.get(
            "/scim/v2/Users?filter=userName%20eq%20%22alice%2Btag%40acme.test%22", key: fixture.adminKey)
        let raw = try fixture.client.get(
            "/scim/v2/Users?filter=userName%20eq%20%22alice+tag%40acme.test%22", key: fixture.adminKey)

        #expect(encoded.json["totalResults"].int == 1, "\(encoded)")
        #expect(raw.status == 200, "\(raw)")
        #expect(raw.json["totalResults"].int == 0)
    }

    @Test("GET /Users/{id} of an unknown id is 404")
    func unknownIDIsNotFound() throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get(
            "/scim/v2/Users/0123456789abcdef0123456789abcdef0123456789abcdef", key: fixture.adminKey)

        expectSCIMError(response, status: 404, detail: PostmanDetail.notTeamMember)
    }

    @Test("GET /Users/{id} of another team's user is 403")
    func otherTeamsUserIsForbidden() throws {
        let fixture = try TeamServer()
        let otherKey = try fixture.scimd.createTeam("other", admin: "admin@other.test", domains: ["other.test"])
        let otherID = try fixture.createUser("someone@other.test", key: otherKey)

        let response = try fixture.client.get("/scim/v2/Users/\(otherID)", key: fixture.adminKey)

        expectSCIMError(response, status: 403, detail: PostmanDetail.notTeamMember)
    }

    @Test("GET /Users lists members in creation order as a ListResponse")
    func listReturnsListResponse() throws {
        let fixture = try TeamServer()
        let names = ["u1@acme.test", "u2@acme.test", "u3@acme.test", "u4@acme.test"]
        for name in names { try fixture.createUser(name) }

        let response = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        expectSCIMContentType(response)
        let list = response.json
        #expect(list.keys == ["schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"])
        #expect(list["schemas"].strings == [UserJSON.listSchema])
        #expect(list["totalResults"].int == 5)
        #expect(list["startIndex"].int == 1)
        #expect(list["itemsPerPage"].int == 100)
        let userNames = list["Resources"].array?.compactMap { $0["userName"].string }
        #expect(userNames == [fixture.adminEmail] + names)
        for user in list["Resources"].array ?? [] { expectUserShape(user) }
    }

    @Test(
        "GET /Users pages with startIndex and count",
        arguments: [
            ("startIndex=2&count=2", 2, 2, ["u1", "u2"]),
            ("startIndex=1&count=2", 1, 2, ["admin", "u1"]),
            ("startIndex=5&count=10", 5, 10, ["u4"]),
            ("startIndex=9&count=10", 9, 10, []),
            ("startIndex=0&count=1", 1, 1, ["admin"]),
            ("startIndex=-4&count=1", 1, 1, ["admin"]),
            ("count=0", 1, 0, []),
        ])
    func listPages(query: String, startIndex: Int, itemsPerPage: Int, expected: [String]) throws {
        let fixture = try TeamServer()
        for number in 1...4 { try fixture.createUser("u\(number)@acme.test") }

        let response = try fixture.client.get("/scim/v2/Users?\(query)", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 5)
        #expect(response.json["startIndex"].int == startIndex)
        #expect(response.json["itemsPerPage"].int == itemsPerPage)
        let localParts = (response.json["Resources"].array ?? []).compactMap {
            $0["userName"].string?.split(separator: "@").first.map(String.init)
        }
        #expect(localParts == expected)
    }

    @Test("GET /Users with a negative count returns no resources")
    func negativeCountReturnsNothing() throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get("/scim/v2/Users?count=-3", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 1)
        #expect((response.json["Resources"].count ?? 0) == 0)
    }

    @Test("GET /Users returns at most 100 resources")
    func listCapsCountAt100() throws {
        let fixture = try TeamServer()
        for number in 1...100 { try fixture.createUser("bulk\(number)@acme.test") }

        let response = try fixture.client.get("/scim/v2/Users?count=150", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 101)
        #expect(response.json["Resources"].count == 100)
    }

    @Test("GET /Users rejects a non-integer startIndex or count", arguments: ["startIndex=abc", "count=1.5", "count="])
    func nonIntegerPagingIsRejected(query: String) throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get("/scim/v2/Users?\(query)", key: fixture.adminKey)

        expectSCIMError(response, status: 400, scimType: "invalidValue")
    }

    @Test("DELETE /Users/{id} is not offered")
    func deleteIsNotAllowed() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test")
        let database = try fixture.store.snapshot()

        let response = try fixture.client.send("DELETE", "/scim/v2/Users/\(id)", key: fixture.adminKey)

        expectSCIMError(response, status: 405)
        let allow = try #require(response.header("Allow"), "\(response)")
        for method in ["GET", "PUT", "PATCH"] { #expect(allow.contains(method), "Allow: \(allow)") }
        #expect(!allow.contains("DELETE"))
        #expect(try fixture.store.snapshot() == database)
        #expect(try fixture.getUser(id).status == 200)
    }

    @Test("a path with repeated and trailing slashes reaches /Users")
    func slashesAreNormalised() throws {
        let fixture = try TeamServer()

        let doubled = try fixture.client.get("/scim/v2//Users", key: fixture.adminKey)
        let trailing = try fixture.client.get("/scim/v2/Users/", key: fixture.adminKey)

        #expect(doubled.status == 200, "\(doubled)")
        #expect(doubled.json["totalResults"].int == 1)
        #expect(trailing.status == 200, "\(trailing)")
        #expect(trailing.json["totalResults"].int == 1)
    }
}
