import Foundation
import SCIMTestSupport
import Synchronization
import Testing

/// Requests that run at the same time on one server.
struct ConcurrencyTests {
    /// Runs `body` on `count` threads at once and returns the results in index order.
    func concurrently(_ count: Int, _ body: @Sendable (Int) throws -> Int) -> [Int] {
        let results = Mutex([Int](repeating: -1, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let value = (try? body(index)) ?? -1
            results.withLock { $0[index] = value }
        }
        return results.withLock { $0 }
    }

    @Test("concurrent creates of one userName make exactly one user")
    func concurrentDuplicateCreates() throws {
        let fixture = try TeamServer()
        let port = fixture.server.port
        let key = fixture.adminKey
        let body = UserJSON.create(userName: "race@acme.test", givenName: "Race", familyName: "Condition")

        let statuses = concurrently(8) { _ in
            try HTTPClient(port: port).post("/scim/v2/Users", key: key, json: body).status
        }

        #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == 7, "\(statuses)")
        let listed = try fixture.client.get("/scim/v2/Users", key: key)
        #expect(listed.json["totalResults"].int == 2)
    }

    @Test("concurrent creates of different users all succeed")
    func concurrentDistinctCreates() throws {
        let fixture = try TeamServer()
        let port = fixture.server.port
        let key = fixture.adminKey

        let created = concurrently(8) { index in
            let client = HTTPClient(port: port)
            var count = 0
            for number in 0..<5 {
                let body = UserJSON.create(
                    userName: "user\(index)-\(number)@acme.test", givenName: "G", familyName: "F")
                if try client.post("/scim/v2/Users", key: key, json: body).status == 201 { count += 1 }
            }
            return count
        }

        #expect(created == [Int](repeating: 5, count: 8))
        let listed = try fixture.client.get("/scim/v2/Users?count=100", key: key)
        #expect(listed.json["totalResults"].int == 41)
        let ids = (listed.json["Resources"].array ?? []).compactMap { $0["id"].string }
        #expect(Set(ids).count == 41)
    }
}
