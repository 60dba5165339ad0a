import Foundation
import SCIMTestSupport
import Testing

/// Malformed requests: each gets a SCIM error, changes nothing and leaves the server running.
struct BadInputTests {
    static let userName = "alice@acme.test"

    /// Starts a team with the member alice and returns her id.
    func startTeam(_ serveArguments: [String] = []) throws -> (fixture: TeamServer, id: String) {
        let fixture = try TeamServer(serveArguments: serveArguments)
        let id = try fixture.createUser(Self.userName, givenName: "Alice", familyName: "Example")
        return (fixture, id)
    }

    func send(_ fixture: TeamServer, _ method: String, _ target: String, body: [UInt8]) throws -> HTTPClientResponse {
        let headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(fixture.adminKey)"), ("Content-Type", "application/scim+json"),
        ]
        return try fixture.client.send(HTTPClientRequest(method, target, headers: headers, body: body))
    }

    @Test("PUT with a bad body", arguments: BadBody.userBodies)
    func putRejectsBadBody(body: BadBody) throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)

        let response = try send(fixture, "PUT", "/scim/v2/Users/\(id)", body: body.bytes)

        expectSCIMError(response, status: 400, scimType: "invalidSyntax", detail: PostmanDetail.invalidPayload)
        try state.expectUnchanged()
        #expect(fixture.server.isRunning)
    }

    @Test("POST with a bad body", arguments: BadBody.userBodies)
    func postRejectsBadBody(body: BadBody) throws {
        let fixture = try TeamServer()
        let database = try fixture.store.snapshot()

        let response = try send(fixture, "POST", "/scim/v2/Users", body: body.bytes)

        expectSCIMError(response, status: 400, scimType: "invalidSyntax", detail: PostmanDetail.invalidPayload)
        #expect(try fixture.store.snapshot() == database)
        #expect(fixture.server.isRunning)
    }

    @Test("PATCH with a bad body", arguments: BadBody.patchBodies)
    func patchRejectsBadBody(body: BadBody) throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)

        let response = try send(fixture, "PATCH", "/scim/v2/Users/\(id)", body: body.bytes)

        expectSCIMError(response, status: 400, scimType: "invalidSyntax", detail: PostmanDetail.invalidPayload)
        try state.expectUnchanged()
        #expect(fixture.server.isRunning)
    }

    @Test("a body over the default 1 MiB limit gets 413", arguments: ["PUT", "POST", "PATCH"])
    func oversizedBodyIsRejected(method: String) throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)
        let padding = String(repeating: "a", count: 2 * 1_048_576)
        let body =
            "{\"schemas\":[\"\(UserJSON.userSchema)\"],\"userName\":\"\(Self.userName)\",\"externalId\":\"\(padding)\"}"
        let target = method == "POST" ? "/scim/v2/Users" : "/scim/v2/Users/\(id)"

        let response = try send(fixture, method, target, body: Array(body.utf8))

        expectSCIMError(response, status: 413)
        try state.expectUnchanged()
        #expect(fixture.server.isRunning)
    }

    @Test("--max-body-bytes sets the limit")
    func bodyLimitIsConfigurable() throws {
        let (fixture, id) = try startTeam(["--max-body-bytes", "2048"])
        let small = "{\"schemas\":[\"\(UserJSON.userSchema)\"],\"name\":{\"givenName\":\"Small\"}}"
        let large =
            "{\"schemas\":[\"\(UserJSON.userSchema)\"],\"name\":{\"givenName\":\"\(String(repeating: "b", count: 2100))\"}}"

        let accepted = try send(fixture, "PUT", "/scim/v2/Users/\(id)", body: Array(small.utf8))
        let rejected = try send(fixture, "PUT", "/scim/v2/Users/\(id)", body: Array(large.utf8))

        #expect(accepted.status == 200, "\(accepted)")
        expectSCIMError(rejected, status: 413)
        #expect(try fixture.getUser(id).json["name"]["givenName"].string == "Small")
    }

    @Test("a chunked body is read whole")
    func chunkedBodyIsAccepted() throws {
        let (fixture, id) = try startTeam()
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"givenName":"Chunked"}}"#
        let pieces = [String(body.prefix(20)), String(body.dropFirst(20))]
        let chunked = pieces.map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined() + "0\r\n\r\n"
        let request = HTTPClientRequest(
            "PUT", "/scim/v2/Users/\(id)",
            headers: [
                ("Authorization", "Bearer \(fixture.adminKey)"), ("Content-Type", "application/scim+json"),
                ("Transfer-Encoding", "chunked"),
            ],
            body: Array(chunked.utf8))

        let response = try fixture.client.send(request)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Chunked")
    }

    @Test("a chunked body over the limit gets 413")
    func oversizedChunkedBodyIsRejected() throws {
        let (fixture, id) = try startTeam(["--max-body-bytes", "2048"])
        let state = try UnchangedState(fixture, userID: id)
        let piece = String(repeating: "c", count: 1000)
        let chunked =
            (0..<4).map { _ in String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n" }.joined() + "0\r\n\r\n"
        let request = HTTPClientRequest(
            "PUT", "/scim/v2/Users/\(id)",
            headers: [("Authorization", "Bearer \(fixture.adminKey)"), ("Transfer-Encoding", "chunked")],
            body: Array(chunked.utf8))

        let response = try fixture.client.sendRaw(request.serialized(port: fixture.server.port))

        expectSCIMError(response, status: 413)
        try state.expectUnchanged()
    }

    @Test(
        "a broken percent-escape in the query",
        arguments: ["filter=userName%zz", "filter=userName%4", "count=1%", "filter=%g0"])
    func brokenPercentEscapeIsRejected(query: String) throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users?\(query)", key: fixture.adminKey)

        expectSCIMError(response, status: 400, scimType: "invalidSyntax")
    }

    @Test("a filter value that decodes to invalid UTF-8 is a 400")
    func invalidUTF8InFilterIsRejected() throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.get(
            "/scim/v2/Users?filter=userName%20eq%20%22%C3%28%FF%22", key: fixture.adminKey)

        #expect(response.status == 400, "\(response)")
        expectSCIMContentType(response)
        #expect(response.json["schemas"].strings == [UserJSON.errorSchema])
    }

    @Test("raw invalid UTF-8 bytes in the request target get a JSON answer")
    func rawInvalidUTF8InTargetIsAnswered() throws {
        let (fixture, _) = try startTeam()
        let head =
            Array("GET /scim/v2/Users?filter=userName%20eq%20%22".utf8) + [0xC3, 0x28]
            + Array(
                "%22 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.adminKey)\r\nConnection: close\r\n\r\n"
                    .utf8)

        let response = try fixture.client.sendRaw(head)

        // NOTE: whether such a target is a 400 or a filter that matches nothing is not decided.
        // scimd returns 200 with no resources, while the percent-encoded form gets a 400.
        #expect(response.status < 500, "\(response)")
        #expect(response.hasJSONBody)
        #expect(fixture.server.isRunning)
    }

    @Test(
        "an unknown path gets a SCIM 404",
        arguments: [
            "/scim/v2/Nothing", "/scim/v2/Users/abc/def", "/scim/v3/Users", "/", "/scim/v2/Schemas", "/scim/v2/Bulk",
        ])
    func unknownPathIsNotFound(path: String) throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.get(path, key: fixture.adminKey)

        expectSCIMError(response, status: 404)
    }

    @Test(
        "a wrong method gets 405 with Allow",
        arguments: [
            ("POST", "/scim/v2/ServiceProviderConfig", ["GET"]),
            ("DELETE", "/scim/v2/ResourceTypes", ["GET"]),
            ("PUT", "/scim/v2/Users", ["GET", "POST"]),
            ("DELETE", "/scim/v2/Users", ["GET", "POST"]),
            ("POST", "/scim/v2/Users/0123456789abcdef0123456789abcdef0123456789abcdef", ["GET", "PUT", "PATCH"]),
        ])
    func wrongMethodIsNotAllowed(method: String, path: String, allowed: [String]) throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.send(
            method, path, key: fixture.adminKey, json: method == "DELETE" ? nil : "{}")

        expectSCIMError(response, status: 405)
        let allow = try #require(response.header("Allow"), "\(response)")
        let methods = allow.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for method in allowed { #expect(methods.contains(method), "Allow: \(allow)") }
        #expect(!methods.contains(method))
    }

    @Test("a 100 KB request target does not break the server")
    func longTargetIsAnswered() throws {
        let (fixture, _) = try startTeam()
        let target = "/scim/v2/Users?startIndex=1&ignored=" + String(repeating: "x", count: 100_000)

        let response = try fixture.client.get(target, key: fixture.adminKey)

        #expect(response.status < 500, "\(response)")
        #expect(response.hasJSONBody)
        #expect(fixture.server.isRunning)
    }
}
