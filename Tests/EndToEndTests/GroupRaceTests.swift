import Foundation
import SCIMTestSupport
import Synchronization
import Testing

/// Requests that reach the server at the same moment from different connections.
struct GroupRaceTests {
    /// Gives each of `count` threads its own connected client, releases them together, and returns
    /// the status each one's `request` got, in index order (-1 for a failed exchange).
    func simultaneously(
        _ count: Int, port: Int, key: String, _ request: @escaping @Sendable (Int, HTTPClient) throws -> Int
    ) -> [Int] {
        let statuses = StatusBoard(count: count)
        let ready = DispatchGroup()
        let finished = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        for index in 0..<count {
            ready.enter()
            finished.enter()
            let thread = Thread {
                let client = HTTPClient(port: port)
                // One read opens the connection, so the timed request does not pay for the connect.
                _ = try? client.get("/scim/v2/ServiceProviderConfig", key: key)
                ready.leave()
                gate.wait()
                let status = (try? request(index, client)) ?? -1
                statuses.record(status, at: index)
                finished.leave()
            }
            thread.start()
        }
        ready.wait()
        for _ in 0..<count { gate.signal() }
        _ = finished.wait(timeout: .now() + 120)
        return statuses.values
    }

    static let noLimits = ["--rate-limit-writes", "0", "--rate-limit-reads", "0"]

    @Test("fifty simultaneous member adds all apply", arguments: ["postman", "rfc"])
    func simultaneousAddsAllApply(profile: String) throws {
        let fixture = try TeamServer(profile: profile, Self.noLimits)
        let key = fixture.adminKey
        let ids = try (0..<50).map { try fixture.createUser("member\($0)@acme.test") }
        let group = try fixture.createGroup("Engineering")
        let body = ids.map { UserJSON.patch(GroupJSON.addMembers([$0])) }

        let statuses = simultaneously(50, port: fixture.server.port, key: key) { index, client in
            try client.patch("/scim/v2/Groups/\(group)", key: key, json: body[index]).status
        }

        let expected = profile == "postman" ? 200 : 204
        #expect(statuses == [Int](repeating: expected, count: 50), "\(statuses)")
        let members = try fixture.memberIDs(ofGroup: group)
        #expect(members.count == 50)
        #expect(Set(members) == Set(ids))
    }

    @Test("fifty simultaneous adds and removes apply", arguments: ["postman", "rfc"])
    func simultaneousAddsAndRemovesApply(profile: String) throws {
        let fixture = try TeamServer(profile: profile, Self.noLimits)
        let key = fixture.adminKey
        let ids = try (0..<50).map { try fixture.createUser("member\($0)@acme.test") }
        let group = try fixture.createGroup("Engineering", memberIDs: Array(ids[..<25]))
        let body = ids.enumerated().map { index, id in
            UserJSON.patch(index < 25 ? GroupJSON.removeMember(id) : GroupJSON.addMembers([id]))
        }

        let statuses = simultaneously(50, port: fixture.server.port, key: key) { index, client in
            try client.patch("/scim/v2/Groups/\(group)", key: key, json: body[index]).status
        }

        let expected = profile == "postman" ? 200 : 204
        #expect(statuses == [Int](repeating: expected, count: 50), "\(statuses)")
        let members = try fixture.memberIDs(ofGroup: group)
        #expect(members.count == 25)
        #expect(Set(members) == Set(ids[25...]))
    }

    @Test("simultaneous duplicate userName gets one 409", arguments: ["postman", "rfc"])
    func simultaneousDuplicateUserName(profile: String) throws {
        let fixture = try TeamServer(profile: profile, Self.noLimits)
        let key = fixture.adminKey

        for round in 0..<5 {
            let body = UserJSON.create(userName: "twin\(round)@acme.test", givenName: "Twin", familyName: "Race")
            let statuses = simultaneously(2, port: fixture.server.port, key: key) { _, client in
                try client.post("/scim/v2/Users", key: key, json: body).status
            }

            #expect(statuses.sorted() == [201, 409], "round \(round): \(statuses)")
        }
        let listed = try fixture.client.get("/scim/v2/Users?count=100", key: fixture.adminKey)
        #expect(listed.json["totalResults"].int == 6)
    }

    @Test("simultaneous duplicate displayName gets one 409", arguments: ["postman", "rfc"])
    func simultaneousDuplicateDisplayName(profile: String) throws {
        let fixture = try TeamServer(profile: profile, Self.noLimits)
        let key = fixture.adminKey

        for round in 0..<5 {
            let statuses = simultaneously(2, port: fixture.server.port, key: key) { index, client in
                let name = index == 0 ? "Team \(round)" : "TEAM \(round)"
                let body = GroupJSON.create(displayName: name)
                return try client.post("/scim/v2/Groups", key: key, json: body).status
            }

            #expect(statuses.sorted() == [201, 409], "round \(round): \(statuses)")
        }
        let listed = try fixture.client.get("/scim/v2/Groups?count=100", key: fixture.adminKey)
        #expect(listed.json["totalResults"].int == 5)
    }
}

/// One status per thread, written under a lock.
private final class StatusBoard: Sendable {
    private let storage: Mutex<[Int]>

    init(count: Int) {
        storage = Mutex([Int](repeating: -1, count: count))
    }

    func record(_ status: Int, at index: Int) {
        storage.withLock { $0[index] = status }
    }

    var values: [Int] {
        storage.withLock { $0 }
    }
}
