import Foundation
import SCIMTestSupport
import Testing

/// Cursor pagination (RFC 9865) of the rfc profile, over real HTTP and the real store.
struct CursorPaginationTests {
    private static let malformedDetail =
        "The cursor is not one this server issued for this endpoint. Send an empty cursor to start again."

    private func rfcServer(_ extra: [String] = []) throws -> TeamServer {
        try TeamServer(
            serveArguments: ["--profile", "rfc", "--rate-limit-writes", "0", "--rate-limit-reads", "0"] + extra)
    }

    /// Creates users with these userNames in this order and returns their ids.
    private func createUsers(_ fixture: TeamServer, _ userNames: [String]) throws -> [String] {
        try userNames.map { try fixture.createUser($0) }
    }

    /// Follows `nextCursor` from the first page that `firstQuery` requests; `query(cursor, pageNumber)`
    /// builds each later query. Returns every page's response.
    private func walk(
        _ fixture: TeamServer, path: String = "/scim/v2/Users", firstQuery: String,
        query: (String, Int) -> String
    ) throws -> [HTTPClientResponse] {
        var pages = [try fixture.client.get("\(path)?\(firstQuery)", key: fixture.adminKey)]
        while let next = pages.last?.json["nextCursor"].string, pages.count < 50 {
            pages.append(try fixture.client.get("\(path)?\(query(next, pages.count))", key: fixture.adminKey))
        }
        return pages
    }

    private func ids(_ pages: [HTTPClientResponse]) -> [String] {
        pages.flatMap { ($0.json["Resources"].array ?? []).compactMap { $0["id"].string } }
    }

    @Test("RFC 9865 §2: walking every user by cursor lists each once, in creation order")
    func walkAllUsers() throws {
        let fixture = try rfcServer()
        let created = try createUsers(fixture, (1...25).map { "walker\($0)@acme.test" })
        let expected = [try fixture.userID(of: TeamServer.defaultAdmin)] + created

        let pages = try walk(fixture, firstQuery: "cursor&count=7") { cursor, _ in "cursor=\(cursor)&count=7" }

        #expect(pages.map(\.status) == [200, 200, 200, 200], "\(pages.last.map(\.description) ?? "")")
        #expect(ids(pages) == expected)
        #expect(pages.map { $0.json["itemsPerPage"].int } == [7, 7, 7, 5])
        #expect(pages.allSatisfy { $0.json["totalResults"].int == 26 })
        #expect(pages.allSatisfy { $0.json["startIndex"].isMissing })
        #expect(pages.dropLast().allSatisfy { $0.json["nextCursor"].string?.isEmpty == false })
        #expect(pages.last?.json["nextCursor"].isMissing == true)
    }

    @Test("RFC 9865 §2.2: a cursor walk keeps the filter and sortBy of its first page")
    func filterAndSort() throws {
        let fixture = try rfcServer()
        let names = ["bea@acme.test", "ann@acme.test", "bob@acme.test", "carl@acme.test", "bill@acme.test"]
        _ = try createUsers(fixture, names)
        let filter = QueryEncoding.encode(#"userName sw "b""#)
        let query = "filter=\(filter)&sortBy=userName&sortOrder=descending&count=2"

        let pages = try walk(fixture, firstQuery: "\(query)&cursor=") { cursor, _ in "\(query)&cursor=\(cursor)" }

        let userNames = pages.flatMap { ($0.json["Resources"].array ?? []).compactMap { $0["userName"].string } }
        #expect(userNames == ["bob@acme.test", "bill@acme.test", "bea@acme.test"])
        #expect(pages.map(\.status) == [200, 200])
        #expect(pages.allSatisfy { $0.json["totalResults"].int == 3 })
    }

    @Test("RFC 9865 §2.1: a cursor sent with another sortOrder is invalidCursor and changes nothing")
    func otherSortOrder() throws {
        let fixture = try rfcServer()
        let ids = try createUsers(fixture, ["one@acme.test", "two@acme.test"])
        let first = try fixture.client.get("/scim/v2/Users?sortBy=userName&cursor=&count=1", key: fixture.adminKey)
        let next = try #require(first.json["nextCursor"].string, "\(first)")
        let unchanged = try UnchangedState(fixture, userID: ids[0])

        let response = try fixture.client.get(
            "/scim/v2/Users?sortBy=userName&sortOrder=descending&cursor=\(next)&count=1", key: fixture.adminKey)

        expectSCIMError(
            response, status: 400, scimType: "invalidCursor",
            detail: "The cursor belongs to a query with another filter, sortBy or sortOrder. Send the query that "
                + "returned the cursor, or an empty cursor to start again.")
        try unchanged.expectUnchanged()
    }

    @Test("A different count on each page lists every user once")
    func countChanges() throws {
        let fixture = try rfcServer()
        let expected =
            [try fixture.userID(of: TeamServer.defaultAdmin)]
            + (try createUsers(fixture, (1...9).map { "counted\($0)@acme.test" }))
        let counts = [3, 1, 5, 100]

        let pages = try walk(fixture, firstQuery: "cursor=&count=2") { cursor, page in
            "count=\(counts[min(page - 1, counts.count - 1)])&cursor=\(cursor)"
        }

        #expect(pages.map { $0.json["itemsPerPage"].int } == [2, 3, 1, 4])
        #expect(ids(pages) == expected)
    }

    @Test("RFC 9865 §3: POST /Users/.search pages by cursor too")
    func searchByCursor() throws {
        let fixture = try rfcServer()
        let expected =
            [try fixture.userID(of: TeamServer.defaultAdmin)]
            + (try createUsers(fixture, (1...4).map { "searched\($0)@acme.test" }))
        var cursor = ""
        var seen: [String] = []

        for _ in 0..<5 {
            let body =
                #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"cursor":"\#(cursor)","count":2}"#
            let response = try fixture.client.post("/scim/v2/Users/.search", key: fixture.adminKey, json: body)
            #expect(response.status == 200, "\(response)")
            seen += (response.json["Resources"].array ?? []).compactMap { $0["id"].string }
            guard let next = response.json["nextCursor"].string else { break }
            cursor = next
        }

        #expect(seen == expected)
    }

    @Test("Walking groups by cursor lists each once")
    func walkGroups() throws {
        let fixture = try rfcServer()
        let expected = try ["Ops", "Dev", "Sales", "Legal", "Support"].map { try fixture.createGroup($0) }

        let pages = try walk(fixture, path: "/scim/v2/Groups", firstQuery: "cursor=&count=2") { cursor, _ in
            "cursor=\(cursor)&count=2"
        }

        #expect(ids(pages) == expected)
        #expect(pages.count == 3)
    }

    @Test(
        "RFC 9865 §2.1: a cursor the server never issued is invalidCursor and changes nothing",
        arguments: [
            "garbage", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "%2Fetc%2Fpasswd", "x~y.z",
        ])
    func invalidCursor(cursor: String) throws {
        let fixture = try rfcServer()
        let id = try fixture.createUser("kept@acme.test")
        let unchanged = try UnchangedState(fixture, userID: id)

        let response = try fixture.client.get("/scim/v2/Users?cursor=\(cursor)", key: fixture.adminKey)

        expectSCIMError(response, status: 400, scimType: "invalidCursor", detail: Self.malformedDetail)
        try unchanged.expectUnchanged()
    }

    @Test("RFC 9865 §2.1: an altered cursor is invalidCursor")
    func alteredCursor() throws {
        let fixture = try rfcServer()
        _ = try createUsers(fixture, ["a@acme.test", "b@acme.test"])
        let first = try fixture.client.get("/scim/v2/Users?cursor=&count=1", key: fixture.adminKey)
        let next = try #require(first.json["nextCursor"].string, "\(first)")
        let altered = String(next.dropLast()) + (next.last == "A" ? "B" : "A")

        let response = try fixture.client.get("/scim/v2/Users?cursor=\(altered)&count=1", key: fixture.adminKey)

        expectSCIMError(response, status: 400, scimType: "invalidCursor", detail: Self.malformedDetail)
    }

    @Test("RFC 9865 §2.1: a cursor older than --cursor-timeout is expiredCursor and changes nothing")
    func expiredCursor() throws {
        let fixture = try rfcServer(["--cursor-timeout", "1"])
        let id = try fixture.createUser("slow@acme.test")
        let first = try fixture.client.get("/scim/v2/Users?cursor=&count=1", key: fixture.adminKey)
        let next = try #require(first.json["nextCursor"].string, "\(first)")
        let unchanged = try UnchangedState(fixture, userID: id)
        Thread.sleep(forTimeInterval: 1.5)

        let response = try fixture.client.get("/scim/v2/Users?cursor=\(next)&count=1", key: fixture.adminKey)

        expectSCIMError(
            response, status: 400, scimType: "expiredCursor",
            detail: "The cursor expired: it is valid for 1 seconds after the page that returned it. Send an empty "
                + "cursor to start again.")
        try unchanged.expectUnchanged()
    }

    @Test("RFC 9865 §5.2: another team's cursor reaches none of its data")
    func otherTeamCursor() throws {
        let fixture = try rfcServer()
        _ = try createUsers(fixture, ["private1@acme.test", "private2@acme.test"])
        let otherKey = try fixture.scimd.createTeam("beta", admin: "admin@beta.test", domains: ["beta.test"])
        let first = try fixture.client.get("/scim/v2/Users?cursor=&count=1", key: fixture.adminKey)
        let next = try #require(first.json["nextCursor"].string, "\(first)")
        let before = try fixture.store.snapshot()

        let response = try fixture.client.get("/scim/v2/Users?cursor=\(next)&count=1", key: otherKey)

        expectSCIMError(response, status: 400, scimType: "invalidCursor", detail: Self.malformedDetail)
        #expect(!response.text.contains("acme"))
        #expect(try fixture.store.snapshot() == before)
    }

    @Test("startIndex together with cursor is invalidValue")
    func startIndexWithCursor() throws {
        let fixture = try rfcServer()

        let response = try fixture.client.get("/scim/v2/Users?startIndex=1&cursor=", key: fixture.adminKey)

        expectSCIMError(
            response, status: 400, scimType: "invalidValue",
            detail:
                "startIndex and cursor cannot be combined: send startIndex for index pages or cursor for cursor pages.")
    }

    @Test("A search at the root rejects a cursor")
    func rootSearchRejectsCursor() throws {
        let fixture = try rfcServer()
        let body = #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"cursor":""}"#

        let response = try fixture.client.post("/scim/v2/.search", key: fixture.adminKey, json: body)

        expectSCIMError(
            response, status: 400, scimType: "invalidValue",
            detail: "A search at the root pages by startIndex only; search /Users or /Groups by cursor.")
    }

    @Test("RFC 9865 §4: /ServiceProviderConfig advertises cursor and index pages and the timeout")
    func serviceProviderConfig() throws {
        let fixture = try rfcServer(["--cursor-timeout", "120"])

        let config = try fixture.client.get("/scim/v2/ServiceProviderConfig", key: fixture.adminKey).json

        #expect(
            config["pagination"].description
                == #"{"cursor":true,"index":true,"defaultPaginationMethod":"index","defaultPageSize":100,"#
                + #""maxPageSize":100,"cursorTimeout":120}"#)
    }

    @Test("Without cursor or startIndex the rfc profile serves index pages, as before")
    func indexByDefault() throws {
        let fixture = try rfcServer()
        _ = try createUsers(fixture, ["plain@acme.test"])

        let response = try fixture.client.get("/scim/v2/Users?count=1", key: fixture.adminKey)

        #expect(response.json["startIndex"].int == 1)
        #expect(response.json["nextCursor"].isMissing)
    }
}
