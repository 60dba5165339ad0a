import Foundation
import SCIMTestSupport
import Synchronization
import Testing

/// A node whose PostgreSQL cluster stops and starts again while requests keep arriving.
///
/// The cluster is one of the test's own, so stopping it leaves the shared test database alone.
@Suite(.enabled(if: PostgresDeployment.serverURL != nil, "SCIM_TEST_POSTGRES_URL is unset, so no PostgreSQL nodes run"))
struct DatabaseOutageTests {
    /// What the load thread saw, per request.
    final class Observations: Sendable {
        let created = Mutex<[String: String]>([:])
        let statuses = Mutex<[Int]>([])
        let unavailableBodies = Mutex<[HTTPClientResponse]>([])
        let slowest = Mutex<Duration>(.zero)
        let stop = Atomic<Bool>(false)
    }

    @Test func outageAnswers503AndRecovers() throws {
        let cluster = try PostgresTestCluster()
        let deployment = try PostgresDeployment(serverURL: cluster.url)
        let key = try deployment.runPrintingKey(["team", "create", "acme", "--admin", "admin@acme.test"])
        let node = try deployment.startNode(["--rate-limit-writes", "0", "--rate-limit-reads", "0"])
        let observations = Observations()
        let load = Self.startLoad(port: node.port, key: key, into: observations)

        Thread.sleep(forTimeInterval: 0.5)
        try cluster.stop()
        let saw503 = Deadline(after: .seconds(10)).poll { observations.statuses.withLock { $0.contains(503) } }
        Thread.sleep(forTimeInterval: 1)
        try cluster.start()
        let recoveredAt = observations.statuses.withLock { $0.count }
        let recovered = Deadline(after: .seconds(20)).poll {
            observations.statuses.withLock { $0.dropFirst(recoveredAt).contains(201) }
        }
        observations.stop.store(true, ordering: .relaxed)
        _ = load.wait(timeout: .now() + 30)

        #expect(saw503)
        #expect(recovered)
        #expect(observations.slowest.withLock { $0 } < .seconds(5))
        let body = try #require(observations.unavailableBodies.withLock { $0.first })
        #expect(body.header("Content-Type")?.hasPrefix("application/scim+json") == true)
        #expect(body.json["schemas"][0].string == UserJSON.errorSchema)
        #expect(body.json["status"].string == "503")
        #expect(node.log.contains("http.status=503"))
        #expect(node.log.contains("request failed"))
        try Self.expectNothingHalfWritten(node: node, key: key, observations: observations)
    }

    /// Creates users in a loop until `stop` is set, recording each status and each 201's user.
    static func startLoad(port: Int, key: String, into observations: Observations) -> DispatchGroup {
        let finished = DispatchGroup()
        finished.enter()
        Thread {
            defer { finished.leave() }
            let client = HTTPClient(port: port)
            var number = 0
            // Bounded: the loop ends when `stop` is set or after 2,000 requests.
            while !observations.stop.load(ordering: .relaxed), number < 2_000 {
                number += 1
                let userName = "load\(number)@acme.test"
                let started = ContinuousClock.now
                let json = UserJSON.create(userName: userName, givenName: "Given\(number)", familyName: "Family")
                guard let response = try? client.post("/scim/v2/Users", key: key, json: json) else { continue }
                let elapsed = ContinuousClock.now - started
                observations.slowest.withLock { $0 = max($0, elapsed) }
                observations.statuses.withLock { $0.append(response.status) }
                if response.status == 201, let id = response.json["id"].string {
                    observations.created.withLock { $0[id] = userName }
                } else if response.status == 503 {
                    observations.unavailableBodies.withLock { $0.append(response) }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }.start()
        return finished
    }

    /// Checks that every listed user is whole, that the team's count matches its list, and that every
    /// 201 left its user behind.
    static func expectNothingHalfWritten(node: ScimdServer, key: String, observations: Observations) throws {
        let client = node.client()
        var listed: [String: String] = [:]
        var startIndex = 1
        var total = 0
        repeat {
            let page = try client.get("/scim/v2/Users?startIndex=\(startIndex)&count=100", key: key)
            #expect(page.status == 200)
            total = page.json["totalResults"].int ?? -1
            for index in 0..<100 {
                let user = page.json["Resources"][index]
                guard let id = user["id"].string else { break }
                listed[id] = user["userName"].string
                #expect(user["name"]["familyName"].string == "Family" || user["userName"].string == "admin@acme.test")
            }
            startIndex += 100
        } while startIndex <= total

        let created = observations.created.withLock { $0 }
        #expect(listed.count == total)
        for (id, userName) in created {
            #expect(listed[id] == userName)
        }
        // A request whose COMMIT reached the server just as it stopped may have committed and still got 503.
        #expect(total - 1 - created.count <= observations.statuses.withLock { $0.count { $0 == 503 } })
    }
}
