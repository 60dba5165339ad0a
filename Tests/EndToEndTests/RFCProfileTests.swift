import Foundation
import SCIMTestSupport
import Testing

/// Bulk, `/.search`, ETags and discovery of the rfc profile, over real HTTP.
struct RFCProfileTests {
    private static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    private static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

    private func rfcServer(_ extra: [String] = []) throws -> TeamServer {
        try TeamServer(
            serveArguments: ["--profile", "rfc", "--rate-limit-writes", "0", "--rate-limit-reads", "0"] + extra)
    }

    private func bulk(_ operations: String, failOnErrors: Int? = nil) -> String {
        let fail = failOnErrors.map { #","failOnErrors":\#($0)"# } ?? ""
        return
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]\#(fail),"Operations":[\#(operations)]}"#
    }

    @Test("RFC 7644 §3.7: bulk resolves bulkId references in path and data")
    func bulkResolvesReferences() throws {
        let fixture = try rfcServer()
        let body = bulk(
            #"""
            {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["\#(Self.groupSchema)"],"displayName":"Ops","members":[{"value":"bulkId:u"}]}},
            {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["\#(Self.userSchema)"],"userName":"sam@acme.test"}},
            {"method":"PATCH","path":"/Users/bulkId:u","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"nickName","value":"Sam"}]}}
            """#)

        let response = try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: body)

        #expect(response.status == 200)
        #expect(response.json["schemas"][0].string == "urn:ietf:params:scim:api:messages:2.0:BulkResponse")
        let operations = try #require(response.json["Operations"].array)
        #expect(operations.map { $0["status"].string } == ["201", "201", "200"])
        let userID = try fixture.userID(of: "sam@acme.test")
        let group = try fixture.client.get("/scim/v2/Groups?filter=displayName%20eq%20%22Ops%22", key: fixture.adminKey)
        #expect(group.json["Resources"][0]["members"][0]["value"].string == userID)
        #expect(try fixture.getUser(userID).json["nickName"].string == "Sam")
    }

    @Test("RFC 7644 §3.7.1: circular bulkId references fail with 409 and write nothing")
    func bulkRejectsCircularReferences() throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()
        let body = bulk(
            #"""
            {"method":"POST","path":"/Groups","bulkId":"a","data":{"schemas":["\#(Self.groupSchema)"],"displayName":"A","members":[{"value":"bulkId:b"}]}},
            {"method":"POST","path":"/Groups","bulkId":"b","data":{"schemas":["\#(Self.groupSchema)"],"displayName":"B","members":[{"value":"bulkId:a"}]}}
            """#)

        let response = try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: body)

        #expect(response.status == 200)
        #expect(response.json["Operations"][0]["status"].string == "409")
        #expect(response.json["Operations"][1]["status"].string == "409")
        #expect(response.json["Operations"][0]["response"]["scimType"].string == "invalidValue")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("RFC 7644 §3.7.3: failOnErrors stops after that many errors")
    func bulkStopsOnErrors() throws {
        let fixture = try rfcServer()
        let missing = String(repeating: "0", count: 48)
        let body = bulk(
            #"""
            {"method":"DELETE","path":"/Users/\#(missing)"},
            {"method":"POST","path":"/Users","bulkId":"u","data":{"schemas":["\#(Self.userSchema)"],"userName":"late@acme.test"}}
            """#, failOnErrors: 1)

        let response = try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: body)

        #expect(response.status == 200)
        #expect(response.json["Operations"].array?.count == 1)
        #expect(response.json["Operations"][0]["status"].string == "404")
        let list = try fixture.client.get(
            "/scim/v2/Users?filter=userName%20eq%20%22late%40acme.test%22", key: fixture.adminKey)
        #expect(list.json["totalResults"].int == 0)
    }

    @Test(
        "malformed bulk requests get the exact error and change nothing",
        arguments: [
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}"#, "invalidSyntax"),
            (#"{"schemas":["urn:example:Wrong"],"Operations":[]}"#, "invalidValue"),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"GET","path":"/Users"}]}"#,
                "invalidValue"
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","data":{}}]}"#,
                "invalidValue"
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":0,"Operations":[]}"#,
                "invalidValue"
            ),
            ("[1,2]", "invalidSyntax"),
        ])
    func malformedBulkIsRejected(body: String, scimType: String) throws {
        let fixture = try rfcServer()
        let before = try fixture.store.snapshot()

        let response = try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: body)

        #expect(response.status == 400)
        #expect(response.json["scimType"].string == scimType)
        #expect(response.json["status"].string == "400")
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("a bulk request over maxOperations gets 413")
    func bulkOverMaxOperationsGets413() throws {
        let fixture = try rfcServer()
        let operation = #"{"method":"DELETE","path":"/Users/\#(String(repeating: "0", count: 48))"}"#
        let body = bulk(Array(repeating: operation, count: 1001).joined(separator: ","))

        let response = try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: body)

        #expect(response.status == 413)
        #expect(response.json["schemas"][0].string == "urn:ietf:params:scim:api:messages:2.0:Error")
    }

    @Test("RFC 7644 §3.4.3: /.search filters, pages and projects")
    func searchFiltersAndProjects() throws {
        let fixture = try rfcServer()
        _ = try fixture.createUser("ann@acme.test")
        _ = try fixture.createUser("bob@acme.test")
        let body = #"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"bob@acme.test\"","attributes":["userName"],"count":10}
            """#

        let response = try fixture.client.post("/scim/v2/Users/.search", key: fixture.adminKey, json: body)

        #expect(response.status == 200)
        #expect(response.json["totalResults"].int == 1)
        #expect(response.json["Resources"][0]["userName"].string == "bob@acme.test")
        #expect(response.json["Resources"][0]["id"].string != nil)
        #expect(response.json["Resources"][0]["meta"].string == nil)
    }

    @Test("root /.search lists users, then groups")
    func rootSearchListsUsersThenGroups() throws {
        let fixture = try rfcServer()
        _ = try fixture.createUser("ann@acme.test")
        let group = try fixture.client.post(
            "/scim/v2/Groups", key: fixture.adminKey, json: #"{"schemas":["\#(Self.groupSchema)"],"displayName":"G"}"#)
        try #require(group.status == 201)
        let body = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":2,"count":5}"#

        let response = try fixture.client.post("/scim/v2/.search", key: fixture.adminKey, json: body)

        // The admin and ann are users 1 and 2, the group is result 3.
        #expect(response.status == 200)
        #expect(response.json["totalResults"].int == 3)
        #expect(response.json["Resources"].array?.count == 2)
        #expect(response.json["Resources"][1]["displayName"].string == "G")
    }

    @Test(
        "malformed search requests get the exact error",
        arguments: [
            (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":"ten"}"#, "invalidValue"),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":"userName"}"#,
                "invalidValue"
            ),
            (
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq"}"#,
                "invalidFilter"
            ),
            (#"{"filter":"userName pr"}"#, "invalidValue"),
            ("not json", "invalidSyntax"),
        ])
    func malformedSearchIsRejected(body: String, scimType: String) throws {
        let fixture = try rfcServer()

        let response = try fixture.client.post("/scim/v2/Users/.search", key: fixture.adminKey, json: body)

        #expect(response.status == 400)
        #expect(response.json["scimType"].string == scimType)
    }

    @Test("RFC 7644 §3.14: ETag, If-None-Match 304 and If-Match 412")
    func entityTagsGuardWrites() throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("ann@acme.test")
        let read = try fixture.getUser(id)
        let etag = try #require(read.header("ETag"))
        #expect(etag == read.json["meta"]["version"].string)

        var conditional = HTTPClientRequest("GET", "/scim/v2/Users/\(id)", key: fixture.adminKey, json: nil)
        conditional.headers.append(("If-None-Match", etag))
        let notModified = try fixture.client.send(conditional)
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)

        let before = try fixture.store.snapshot()
        let patch =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"nickName","value":"A"}]}"#
        var stale = HTTPClientRequest("PATCH", "/scim/v2/Users/\(id)", key: fixture.adminKey, json: patch)
        stale.headers.append(("If-Match", #"W/"999""#))
        let rejected = try fixture.client.send(stale)
        #expect(rejected.status == 412)
        #expect(rejected.json["status"].string == "412")
        #expect(try fixture.store.snapshot() == before)

        var current = HTTPClientRequest("PATCH", "/scim/v2/Users/\(id)", key: fixture.adminKey, json: patch)
        current.headers.append(("If-Match", etag))
        let accepted = try fixture.client.send(current)
        #expect(accepted.status == 200)
        #expect(accepted.header("ETag") != etag)
    }

    @Test("postman profile ignores If-Match and serves no /Schemas, /Bulk or /.search")
    func postmanProfileOffersNoneOfThem() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("ann@acme.test")
        let patch =
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":true}]}"#
        var stale = HTTPClientRequest("PATCH", "/scim/v2/Users/\(id)", key: fixture.adminKey, json: patch)
        stale.headers.append(("If-Match", #"W/"999""#))

        #expect(try fixture.client.send(stale).status == 200)
        #expect(try fixture.client.get("/scim/v2/Schemas", key: fixture.adminKey).status == 404)
        #expect(try fixture.client.post("/scim/v2/Bulk", key: fixture.adminKey, json: "{}").status == 404)
        #expect(try fixture.client.post("/scim/v2/.search", key: fixture.adminKey, json: "{}").status == 404)
    }

    @Test("RFC 7643 §7: /Schemas serves the definitions that check input")
    func schemasServeDefinitions() throws {
        let fixture = try rfcServer()

        let list = try fixture.client.get("/scim/v2/Schemas", key: fixture.adminKey)
        let group = try fixture.client.get("/scim/v2/Schemas/\(Self.groupSchema)", key: fixture.adminKey)
        let unknown = try fixture.client.get("/scim/v2/Schemas/urn:example:nothing", key: fixture.adminKey)
        let type = try fixture.client.get("/scim/v2/ResourceTypes/Group", key: fixture.adminKey)

        #expect(list.status == 200)
        #expect(list.json["totalResults"].int == 3)
        #expect(group.json["attributes"][0]["name"].string == "displayName")
        #expect(group.json["attributes"][0]["required"].bool == true)
        #expect(unknown.status == 404)
        #expect(type.json["endpoint"].string == "/Groups")
        #expect(try fixture.client.send("DELETE", "/scim/v2/Schemas", key: fixture.adminKey).status == 405)
    }
}
