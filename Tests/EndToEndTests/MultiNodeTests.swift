import Foundation
import SCIMTestSupport
import Synchronization
import Testing

/// Two `scimd serve` nodes on one PostgreSQL database, with requests spread over both.
@Suite(.enabled(if: PostgresDeployment.serverURL != nil, "SCIM_TEST_POSTGRES_URL is unset, so no PostgreSQL nodes run"))
struct MultiNodeTests {
    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

    /// A database with a team, its admin's key and two nodes serving it.
    final class TwoNodes {
        let deployment: PostgresDeployment
        let key: String
        let nodes: [ScimdServer]

        init(_ serveArguments: [String] = []) throws {
            let deployment = try PostgresDeployment()
            key = try deployment.runPrintingKey(["team", "create", "acme", "--admin", "admin@acme.test"])
            nodes = try (0..<2).map { _ in try deployment.startNode(serveArguments) }
            self.deployment = deployment
        }

        func client(_ node: Int) -> HTTPClient {
            nodes[node % 2].client()
        }
    }

    /// Runs `request` once per index on its own thread, releasing all of them together, and returns the
    /// statuses in index order (-1 for a failed exchange).
    static func simultaneously(_ count: Int, _ request: @escaping @Sendable (Int) throws -> Int) -> [Int] {
        let statuses = Mutex<[Int]>(Array(repeating: -1, count: count))
        let gate = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for index in 0..<count {
            finished.enter()
            Thread {
                gate.wait()
                let status = (try? request(index)) ?? -1
                statuses.withLock { $0[index] = status }
                finished.leave()
            }.start()
        }
        for _ in 0..<count { gate.signal() }
        _ = finished.wait(timeout: .now() + 120)
        return statuses.withLock { $0 }
    }

    @Test func sameUserNameOnBothNodesGets201And409() throws {
        let fixture = try TwoNodes()
        let ports = fixture.nodes.map(\.port)
        let key = fixture.key

        for round in 0..<5 {
            let body = UserJSON.create(userName: "twin\(round)@acme.test", givenName: "Twin", familyName: "\(round)")
            let statuses = Self.simultaneously(2) { index in
                try HTTPClient(port: ports[index]).post("/scim/v2/Users", key: key, json: body).status
            }

            #expect(statuses.sorted() == [201, 409], "round \(round): \(statuses)")
        }
        let listed = try fixture.client(1).get("/scim/v2/Users?count=100", key: key)
        #expect(listed.json["totalResults"].int == 6)
    }

    @Test func fiftyMembershipPatchesOverTwoNodesAllApply() throws {
        let fixture = try TwoNodes()
        let key = fixture.key
        let ids = try (0..<50).map { number in
            let body = UserJSON.create(userName: "member\(number)@acme.test", givenName: "M", familyName: "\(number)")
            let response = try fixture.client(number).post("/scim/v2/Users", key: key, json: body)
            return try #require(response.json["id"].string, "\(response)")
        }
        let created = try fixture.client(0).post(
            "/scim/v2/Groups", key: key, json: "{\"schemas\":[\"\(Self.groupSchema)\"],\"displayName\":\"Engineering\"}"
        )
        let group = try #require(created.json["id"].string, "\(created)")
        let ports = fixture.nodes.map(\.port)

        let statuses = Self.simultaneously(50) { index in
            let operation = "{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"\(ids[index])\"}]}"
            let client = HTTPClient(port: ports[index % 2])
            return try client.patch("/scim/v2/Groups/\(group)", key: key, json: UserJSON.patch(operation)).status
        }

        #expect(statuses.allSatisfy { $0 == 200 || $0 == 204 }, "\(statuses)")
        let stored = try fixture.client(1).get("/scim/v2/Groups/\(group)", key: key)
        let members = (0..<60).compactMap { stored.json["members"][$0]["value"].string }
        #expect(members.count == 50)
        #expect(Set(members) == Set(ids))
    }

    @Test func writeRateLimitIsSharedByBothNodes() throws {
        let fixture = try TwoNodes(["--rate-limit-writes", "180", "--rate-limit-reads", "0"])
        let key = fixture.key
        let first = fixture.client(0)
        let created = try first.post(
            "/scim/v2/Users", key: key,
            json: UserJSON.create(userName: "busy@acme.test", givenName: "B", familyName: "B"))
        let id = try #require(created.json["id"].string, "\(created)")
        let rename = "{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"Busy\"}"

        var statuses: [Int] = []
        for _ in 1..<180 {
            statuses.append(try first.patch("/scim/v2/Users/\(id)", key: key, json: UserJSON.patch(rename)).status)
        }
        let onOtherNode = try fixture.client(1).patch("/scim/v2/Users/\(id)", key: key, json: UserJSON.patch(rename))

        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
        #expect(onOtherNode.status == 429)
        #expect(onOtherNode.header("Retry-After") != nil)
        #expect(onOtherNode.json["detail"].string?.contains("180 attempts") == true)
    }

    @Test func keyRevokedThroughTheDatabaseFailsOnBothNodes() throws {
        let fixture = try TwoNodes()
        let second = try fixture.deployment.runPrintingKey(["key", "create", "acme", "--admin", "admin@acme.test"])
        let before = try (0..<2).map { try fixture.client($0).get("/scim/v2/Users", key: second).status }

        let keyID = try #require(APIKeyFormat.id(of: second))
        try fixture.deployment.runSucceeding(["key", "revoke", keyID])
        let after = try (0..<2).map { try fixture.client($0).get("/scim/v2/Users", key: second).status }
        let adminStill = try fixture.client(1).get("/scim/v2/Users", key: fixture.key).status

        #expect(before == [200, 200])
        #expect(after == [401, 401])
        #expect(adminStill == 200)
    }

    @Test func migrateStoreCopiesSQLiteIntoPostgreSQL() throws {
        let sqlite = try ScimdProcess(store: .sqlite)
        let key = try sqlite.createTeam("acme", admin: "admin@acme.test", domains: ["acme.test"])
        let server = try sqlite.startServer()
        let created = try server.client().post(
            "/scim/v2/Users", key: key,
            json: UserJSON.create(userName: "moved@acme.test", givenName: "M", familyName: "V"))
        _ = try server.stop()
        let deployment = try PostgresDeployment()

        let copy = try ChildProcess.run(
            deployment.executablePath, ["migrate-store", "--from", sqlite.database, "--to", deployment.databaseURL])
        let again = try ChildProcess.run(
            deployment.executablePath, ["migrate-store", "--from", sqlite.database, "--to", deployment.databaseURL])
        let node = try deployment.startNode()
        let user = try node.client().get("/scim/v2/Users/\(created.json["id"].string ?? "")", key: key)

        #expect(copy.exit == .exited(0), "\(copy)")
        #expect(copy.stdout.contains("Copied 1 teams, 2 users, 1 API keys"))
        #expect(again.exit == .exited(1))
        #expect(again.stderr.contains("already contains 1 teams"))
        #expect(user.status == 200)
        #expect(user.json["meta"]["created"].string == created.json["meta"]["created"].string)
    }
}
