import Foundation
import SCIMTestSupport
import Testing

/// Starting and stopping `scimd serve`, and what it writes to its log.
struct LifecycleTests {
    @Test("signal stops cleanly with a stop line", arguments: [SIGTERM, SIGINT])
    func signalStopsCleanly(signal: Int32) throws {
        let fixture = try TeamServer()
        try #require(try fixture.client.get("/scim/v2/Users", key: fixture.adminKey).status == 200)
        let linesBeforeStop = fixture.server.logLines.count

        let exit = try fixture.server.stop(signal: signal)

        #expect(exit == .exited(0))
        let stopLines = fixture.server.logLines.dropFirst(linesBeforeStop)
        #expect(stopLines.contains { $0.lowercased().contains("stop") }, "log after the signal: \(stopLines)")
    }

    @Test("the listen line names the real port")
    func listenLineNamesPort() throws {
        let fixture = try TeamServer()

        let listenLines = fixture.server.logLines.filter { $0.contains("scimd.listen=") }

        #expect(listenLines.count == 1)
        #expect(listenLines.first?.contains("scimd.listen=127.0.0.1:\(fixture.server.port)") == true)
        #expect(fixture.server.port != 8080)
    }

    @Test("each request is logged with id, method, path, status, duration and team")
    func requestLineCarriesMetadata() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test")

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(id)?attributes=userName", key: fixture.adminKey,
            json: UserJSON.patch(#"{"op":"replace","path":"externalId","value":"e1"}"#))
        #expect(response.status == 200, "\(response)")
        _ = fixture.server.waitForLog(containing: "http.method=PATCH")

        let line = try #require(
            fixture.server.logLines.first { $0.contains("http.method=PATCH") }, "\(fixture.server.log)")
        #expect(line.prefix(24).wholeMatch(of: #/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z/#) != nil, "\(line)")
        #expect(line.contains(" info "))
        #expect(line.contains("http.path=/scim/v2/Users/\(id) ") || line.hasSuffix("http.path=/scim/v2/Users/\(id)"))
        #expect(line.contains("http.status=200"))
        #expect(line.contains(#/http\.duration_ms=[0-9]+(\.[0-9]+)?/#))
        #expect(line.contains(#/scim\.request\.id=\S+/#))
        #expect(line.contains(#/scim\.team\.id=\S+/#))
        #expect(!line.contains("attributes"))
    }

    @Test("request ids differ between requests")
    func requestIDsAreUnique() throws {
        let fixture = try TeamServer()
        for _ in 0..<3 { _ = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey) }
        let requestIDs = {
            fixture.server.logLines.compactMap { line in
                line.firstMatch(of: #/scim\.request\.id=(\S+)/#).map { String($0.output.1) }
            }
        }
        // The server may write a line just after it sends the response, so wait for all three.
        _ = Deadline(after: .seconds(5)).poll { requestIDs().count >= 3 }

        let ids = requestIDs()

        #expect(ids.count >= 3)
        #expect(Set(ids).count == ids.count)
    }

    @Test("no key, header value, query string or body content reaches the log")
    func logCarriesNoSecrets() throws {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test")
        let secretFilter = QueryEncoding.encode(#"userName eq "filter-secret-7731@acme.test""#)
        let revealingKey = "scimd_feedfacefeedface_" + String(repeating: "5ec7e7", count: 10) + "abcd"

        _ = try fixture.client.get("/scim/v2/Users?filter=\(secretFilter)", key: fixture.adminKey)
        _ = try fixture.client.send(
            SeedRequest.put(
                id: id, key: fixture.adminKey,
                body: SeedRequest.body(userName: "alice@acme.test").replacing("23123123", with: "body-secret-4417")
                    .replacing("\"Test\"", with: "\"given-secret-5150\"")))
        _ = try fixture.client.get("/scim/v2/Users", key: revealingKey)
        _ = try fixture.client.send(
            HTTPClientRequest("GET", "/scim/v2/Users", headers: [("Authorization", "Basic aGVhZGVyLXNlY3JldA==")]))
        _ = try fixture.client.send(
            "PUT", "/scim/v2/Users/\(id)", key: fixture.adminKey, json: "{\"not-json-secret-9902")
        let exit = try fixture.server.stop()

        #expect(exit == .exited(0))
        let log = fixture.server.log
        let secrets = [
            fixture.adminKey, APIKeyFormat.secret(of: fixture.adminKey) ?? "-", revealingKey, "5ec7e75ec7e7",
            "filter-secret-7731", "filter=", "userName%20eq", "body-secret-4417", SeedRequest.postmanAPIKey,
            "aGVhZGVyLXNlY3JldA", "not-json-secret-9902", "given-secret-5150",
        ]
        for secret in secrets {
            #expect(!log.contains(secret), "the log contains \(secret)")
        }
    }

    @Test("a database in a missing directory makes serve exit with 1")
    func unusableDatabaseFails() throws {
        let scimd = try ScimdProcess()

        let result = try scimd.run(
            ["serve", "--listen", "127.0.0.1:0", "--database", "/nonexistent-scimd-e2e/dir/db.sqlite"],
            addDatabaseOption: false)

        #expect(result.exit == .exited(1), "\(result)")
        #expect(!result.stderr.isEmpty)
    }

    @Test("an unreachable PostgreSQL server makes serve exit with 1")
    func unreachablePostgresFails() throws {
        let scimd = try ScimdProcess()
        let url = "postgresql://scimd@127.0.0.1:\(try FreePort.find())/scimd"

        let result = try scimd.run(
            ["serve", "--listen", "127.0.0.1:0", "--database", url], addDatabaseOption: false)

        #expect(result.exit == .exited(1), "\(result)")
        #expect(result.stderr.contains("failed to open the database"), "\(result)")
    }

    @Test("an unknown option is a usage error with exit code 2")
    func unknownOptionIsUsageError() throws {
        let scimd = try ScimdProcess()

        let result = try scimd.run(["serve", "--listen", "127.0.0.1:0", "--no-such-option"])

        #expect(result.exit == .exited(2), "\(result)")
    }

    @Test("SCIMD_ environment variables configure serve")
    func environmentConfiguresServe() throws {
        let scimd = try ScimdProcess()
        let key = try scimd.createTeam("acme", admin: "admin@acme.test", domains: ["acme.test"])
        let server = try scimd.startServer(environment: ["SCIMD_RATE_LIMIT_READS": "2"])
        let client = server.client()

        let statuses = try (1...3).map { _ in try client.get("/scim/v2/Users", key: key).status }

        #expect(statuses == [200, 200, 429])
    }
}
