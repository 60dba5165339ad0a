import Foundation
import SCIMTestSupport
import Testing

/// HTTP-level behaviour: persistent connections, shutdown with a request in flight, header forms
/// and the exact body limit.
struct HTTPBehaviourTests {
    func usersRequest(_ fixture: TeamServer, _ target: String = "/scim/v2/Users") -> [UInt8] {
        HTTPClientRequest("GET", target, key: fixture.adminKey, json: nil).serialized(port: fixture.server.port)
    }

    @Test("one connection serves several requests")
    func keepAliveServesSeveralRequests() throws {
        let fixture = try TeamServer()
        let connection = try HTTPConnection(port: fixture.server.port)
        var statuses: [Int] = []

        for target in ["/scim/v2/Users", "/scim/v2/Nothing", "/scim/v2/Users?count=1", "/scim/v2/ResourceTypes"] {
            try connection.write(usersRequest(fixture, target))
            statuses.append(try connection.readResponse().status)
        }

        #expect(statuses == [200, 404, 200, 200])
    }

    @Test("a request in flight at SIGTERM is finished")
    func inFlightRequestFinishes() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test")
        let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"givenName":"Finished"}}"#
        let bytes = HTTPClientRequest("PUT", "/scim/v2/Users/\(id)", key: fixture.adminKey, json: body)
            .serialized(port: fixture.server.port)
        let connection = try HTTPConnection(port: fixture.server.port)
        let split = bytes.count - 10
        try connection.write(Array(bytes[..<split]))
        // Give the server time to read the head, so the request is in flight when the signal comes.
        Thread.sleep(forTimeInterval: 0.3)

        fixture.server.send(signal: SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        try connection.write(Array(bytes[split...]))
        let response = try connection.readResponse()
        let exit = try fixture.server.waitForExit()

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"]["givenName"].string == "Finished")
        #expect(exit == .exited(0))
        #expect(try fixture.store.snapshot(of: StoreProbe.Table.users).contains("Finished"))
    }

    @Test("the Bearer scheme ignores letter case", arguments: ["bearer", "BEARER"])
    func bearerSchemeIgnoresCase(scheme: String) throws {
        let fixture = try TeamServer()
        let request = HTTPClientRequest(
            "GET", "/scim/v2/Users", headers: [("Authorization", "\(scheme) \(fixture.adminKey)")])

        let response = try fixture.client.send(request)

        #expect(response.status == 200, "\(response)")
    }

    @Test("header names ignore letter case")
    func headerNamesIgnoreCase() throws {
        let fixture = try TeamServer()
        let request = HTTPClientRequest("GET", "/scim/v2/Users", headers: [("x-api-key", fixture.adminKey)])

        let response = try fixture.client.send(request)

        #expect(response.status == 200, "\(response)")
    }

    @Test("a body of exactly --max-body-bytes is accepted and one more byte is not")
    func bodyLimitBoundary() throws {
        let fixture = try TeamServer(serveArguments: ["--max-body-bytes", "2048"])
        let id = try fixture.createUser("alice@acme.test")
        let body = { (length: Int) -> String in
            let start = "{\"schemas\":[\"\(UserJSON.userSchema)\"],\"name\":{\"givenName\":\""
            let end = "\"}}"
            return start + String(repeating: "g", count: length - start.utf8.count - end.utf8.count) + end
        }

        let atLimit = try fixture.client.put("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body(2048))
        let overLimit = try fixture.client.put("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body(2049))

        #expect(atLimit.status == 200, "\(atLimit)")
        expectSCIMError(overLimit, status: 413)
    }

    @Test("a declared Content-Length over the limit is rejected before the body is sent")
    func declaredLengthOverLimitIsRejectedEarly() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test")
        let head =
            "PUT /scim/v2/Users/\(id) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.adminKey)\r\n"
            + "Content-Type: application/scim+json\r\nContent-Length: 50000000\r\n\r\n"
        let connection = try HTTPConnection(port: fixture.server.port)

        try connection.write(Array(head.utf8))
        let response = try connection.readResponse()

        expectSCIMError(response, status: 413)
    }

    @Test("responses carry a JSON Content-Type and Content-Length", arguments: ["/scim/v2/Users", "/scim/v2/Nothing"])
    func responseFraming(path: String) throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get(path, key: fixture.adminKey)

        expectSCIMContentType(response)
        #expect(response.header("Content-Length") == String(response.body.count))
    }
}
