import Foundation
import SCIMTestSupport
import Testing

/// Per-team request limits with small `--rate-limit-writes` and `--rate-limit-reads` values. The
/// default limits (180 writes, 300 reads) are checked in ``SeedResponsesTests``.
struct RateLimitTests {
    func putName(_ fixture: TeamServer, _ id: String, _ givenName: String, key: String? = nil) throws
        -> HTTPClientResponse
    {
        let body =
            "{\"schemas\":[\"\(UserJSON.userSchema)\"],\"name\":{\"givenName\":\"\(givenName)\",\"familyName\":\"F\"}}"
        return try fixture.client.put("/scim/v2/Users/\(id)", key: key ?? fixture.adminKey, json: body)
    }

    @Test("write past the limit gets 429")
    func writeLimitIsEnforced() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-writes", "3", "--rate-limit-reads", "0"])
        let adminID = try fixture.userID(of: fixture.adminEmail)
        for name in ["One", "Two", "Three"] {
            try #require(try putName(fixture, adminID, name).status == 200)
        }

        let rejected = try putName(fixture, adminID, "Four")

        expectSCIMError(rejected, status: 429, detail: PostmanDetail.rateLimited(3))
        let retryAfter = try #require(rejected.header("Retry-After").flatMap { Int($0) }, "\(rejected)")
        #expect((1...60).contains(retryAfter))
        #expect(try fixture.getUser(adminID).json["name"]["givenName"].string == "Three")
    }

    @Test("reads and writes are counted apart")
    func bucketsAreSeparate() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-writes", "2", "--rate-limit-reads", "3"])
        let id = try fixture.createUser("alice@acme.test")
        try #require(try putName(fixture, id, "Two").status == 200)
        try #require(try putName(fixture, id, "Three").status == 429)

        let reads = try (1...4).map { _ in try fixture.client.get("/scim/v2/Users", key: fixture.adminKey) }

        #expect(reads.map(\.status) == [200, 200, 200, 429])
        expectSCIMError(reads[3], status: 429, detail: PostmanDetail.rateLimited(3))
    }

    @Test("limits are per team")
    func limitsArePerTeam() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-reads", "2"])
        let otherKey = try fixture.scimd.createTeam("other", admin: "admin@other.test", domains: ["other.test"])
        for _ in 1...2 { _ = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey) }
        try #require(try fixture.client.get("/scim/v2/Users", key: fixture.adminKey).status == 429)

        let other = try fixture.client.get("/scim/v2/Users", key: otherKey)

        #expect(other.status == 200, "\(other)")
    }

    @Test("all keys of a team share its limit")
    func keysOfTeamShareLimit() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-reads", "2"])
        let secondKey = try fixture.scimd.createKey(team: fixture.team, admin: fixture.adminEmail)
        for _ in 1...2 { _ = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey) }

        let response = try fixture.client.get("/scim/v2/Users", key: secondKey)

        expectSCIMError(response, status: 429, detail: PostmanDetail.rateLimited(2))
    }

    @Test("requests that fail authentication do not count")
    func unauthenticatedRequestsDoNotCount() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-reads", "2"])
        for _ in 1...5 {
            let response = try fixture.client.get("/scim/v2/Users", key: APIKeyFormat.unknown())
            try #require(response.status == 401)
        }

        let statuses = try (1...3).map { _ in try fixture.client.get("/scim/v2/Users", key: fixture.adminKey).status }

        #expect(statuses == [200, 200, 429])
    }

    @Test("0 turns a limit off")
    func zeroDisablesLimit() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-reads", "0"])

        let statuses = try (1...350).map { _ in
            try fixture.client.get("/scim/v2/Users?count=1", key: fixture.adminKey).status
        }

        #expect(statuses.allSatisfy { $0 == 200 })
    }

    @Test("rejected requests do not count")
    func rejectedRequestsDoNotCount() throws {
        let fixture = try TeamServer(serveArguments: ["--rate-limit-writes", "2", "--rate-limit-reads", "0"])
        let adminID = try fixture.userID(of: fixture.adminEmail)
        let windowStart = ContinuousClock.now
        try #require(try putName(fixture, adminID, "One").status == 200)
        try #require(try putName(fixture, adminID, "Two").status == 200)

        // Keep sending writes that are rejected for most of the minute. If they counted, the window
        // would stay full until a minute after the last of them.
        var rejected = 0
        while ContinuousClock.now - windowStart < .seconds(50) {
            let response = try putName(fixture, adminID, "Rejected")
            try #require(response.status == 429, "\(response)")
            rejected += 1
            Thread.sleep(forTimeInterval: 1)
        }
        let remaining = Duration.seconds(62) - (ContinuousClock.now - windowStart)
        Thread.sleep(forTimeInterval: Double(remaining.components.seconds) + 0.5)

        let response = try putName(fixture, adminID, "After")

        #expect(rejected > 40)
        #expect(response.status == 200, "\(response)")
        #expect(try fixture.getUser(adminID).json["name"]["givenName"].string == "After")
    }
}
