import SCIMCrypto
import SCIMTestSupport
import Testing

/// The User `password` (RFC 7643 §4.1.1: writeOnly, returned never) in the rfc profile: stored as a
/// PBKDF2 hash, replaced by PUT and PATCH, and never in a response, a log line or the database as
/// plain text.
struct PasswordTests {
    private static let password = "Plain-Text-Secret-7431"
    private static let hasher = OpenSSLCredentialHasher()

    private func rfcServer(_ profile: String = "rfc") throws -> TeamServer {
        try TeamServer(
            serveArguments: [
                "--profile", profile, "--rate-limit-writes", "0", "--rate-limit-reads", "0", "--log-level", "trace",
            ])
    }

    private func createBody(_ userName: String, password: String = PasswordTests.password) -> String {
        #"{"schemas":["\#(UserJSON.userSchema)"],"userName":"\#(userName)","password":"\#(password)"}"#
    }

    private func createUser(_ fixture: TeamServer) throws -> String {
        let response = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: createBody("sam@acme.test"))
        #expect(response.status == 201, "\(response)")
        return try #require(response.json["id"].string)
    }

    /// Checks that neither the password nor the `password` member appears in `response`.
    private func expectNoPassword(
        _ response: HTTPClientResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!response.text.contains(Self.password), "\(response)", sourceLocation: sourceLocation)
        #expect(!response.text.contains("\"password\""), "\(response)", sourceLocation: sourceLocation)
        #expect(!response.text.contains("pbkdf2"), "\(response)", sourceLocation: sourceLocation)
    }

    @Test("RFC 7643 §4.1.1: POST stores a salted PBKDF2 hash and returns no password")
    func createStoresHash() throws {
        let fixture = try rfcServer()

        let response = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: createBody("sam@acme.test"))

        #expect(response.status == 201, "\(response)")
        expectNoPassword(response)
        let id = try #require(response.json["id"].string)
        let hash = try #require(try fixture.store.userColumn("password_hash", id: id))
        #expect(hash.hasPrefix("$pbkdf2-sha256$i=\(OpenSSLCredentialHasher.passwordIterations)$"))
        #expect(Self.hasher.passwordMatches(Self.password, hash: hash))
        #expect(!(try fixture.store.snapshot()).contains(Self.password))
        #expect(!fixture.server.log.contains(Self.password))
    }

    @Test("RFC 7643 §7: returned never holds for GET, lists, attributes=password and /.search")
    func neverReturned() throws {
        let fixture = try rfcServer()
        let id = try createUser(fixture)
        let search = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":["password"]}"#

        let responses = [
            try fixture.client.get("/scim/v2/Users/\(id)", key: fixture.adminKey),
            try fixture.client.get("/scim/v2/Users/\(id)?attributes=password", key: fixture.adminKey),
            try fixture.client.get("/scim/v2/Users?attributes=password,userName", key: fixture.adminKey),
            try fixture.client.get("/scim/v2/Users", key: fixture.adminKey),
            try fixture.client.post("/scim/v2/Users/.search", key: fixture.adminKey, json: search),
            try fixture.client.post("/scim/v2/.search", key: fixture.adminKey, json: search),
        ]

        for response in responses {
            #expect(response.status == 200, "\(response)")
            expectNoPassword(response)
        }
        #expect(responses[1].json.keys == ["schemas", "id"])
        #expect(!fixture.server.log.contains(Self.password))
    }

    @Test("RFC 7644 §3.5.1: PUT with a password replaces the hash, PUT without one keeps it")
    func putReplacesOrKeeps() throws {
        let fixture = try rfcServer()
        let id = try createUser(fixture)
        let first = try fixture.store.userColumn("password_hash", id: id)

        let replaced = try fixture.client.put(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: createBody("sam@acme.test", password: "Second-Secret-88"))
        let second = try #require(try fixture.store.userColumn("password_hash", id: id))
        let kept = try fixture.client.put(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: #"{"schemas":["\#(UserJSON.userSchema)"],"userName":"sam@acme.test","nickName":"Sam"}"#)

        #expect(replaced.status == 200, "\(replaced)")
        #expect(kept.status == 200, "\(kept)")
        expectNoPassword(replaced)
        #expect(!replaced.text.contains("Second-Secret-88"))
        #expect(second != first)
        #expect(Self.hasher.passwordMatches("Second-Secret-88", hash: second))
        #expect(try fixture.store.userColumn("password_hash", id: id) == second)
    }

    @Test("RFC 7644 §3.5.2: PATCH replaces the password and remove clears it")
    func patchReplacesAndRemoves() throws {
        let fixture = try rfcServer()
        let id = try createUser(fixture)

        let replaced = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","value":{"password":"Patched-Secret-55"}}"#))
        let hash = try #require(try fixture.store.userColumn("password_hash", id: id))
        let removed = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey, json: UserJSON.patch(#"{"op":"remove","path":"password"}"#))

        #expect(replaced.status == 200, "\(replaced)")
        #expect(!replaced.text.contains("Patched-Secret-55"))
        #expect(!replaced.text.contains("\"password\""))
        #expect(Self.hasher.passwordMatches("Patched-Secret-55", hash: hash))
        #expect(removed.status == 200, "\(removed)")
        #expect(try fixture.store.userColumn("password_hash", id: id) == nil)
        #expect(!fixture.server.log.contains("Patched-Secret-55"))
    }

    @Test("RFC 7644 §3.7: a bulk POST stores the hash and returns no password")
    func bulkCreate() throws {
        let fixture = try rfcServer()
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
             {"method":"POST","path":"/Users","bulkId":"u","data":\#(createBody("bulk@acme.test"))}]}
            """#

        let response = try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: body)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["Operations"][0]["status"].string == "201")
        expectNoPassword(response)
        let id = try fixture.userID(of: "bulk@acme.test")
        let hash = try #require(try fixture.store.userColumn("password_hash", id: id))
        #expect(Self.hasher.passwordMatches(Self.password, hash: hash))
    }

    @Test("A password that is not a string is 400 invalidValue and stores nothing")
    func wrongType() throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()
        let body = #"{"schemas":["\#(UserJSON.userSchema)"],"userName":"sam@acme.test","password":12345}"#

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        expectSCIMError(response, status: 400, scimType: "invalidValue")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("RFC 7643 §7: a filter on password is 400 invalidFilter, since only a hash is kept")
    func filterRejected() throws {
        let fixture = try rfcServer()
        _ = try createUser(fixture)
        let filter = QueryEncoding.encode("password eq \"\(Self.password)\"")

        let response = try fixture.client.get("/scim/v2/Users?filter=\(filter)", key: fixture.adminKey)

        expectSCIMError(response, status: 400, scimType: "invalidFilter")
        #expect(!response.text.contains(Self.password))
    }

    @Test("The postman profile drops the password, as before")
    func postmanDropsPassword() throws {
        let fixture = try rfcServer("postman")

        let response = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey, json: createBody("sam@acme.test"))

        #expect(response.status == 201, "\(response)")
        expectNoPassword(response)
        let id = try #require(response.json["id"].string)
        #expect(try fixture.store.userColumn("password_hash", id: id) == nil)
    }
}
