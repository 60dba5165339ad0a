import SCIMCore
import SCIMTestSupport
import Testing

/// Cursor pages (RFC 9865) of the rfc profile over the in-memory store.
struct SCIMServiceCursorTests {
    private static let malformedDetail =
        "The cursor is not one this server issued for this endpoint. Send an empty cursor to start again."

    private func users(
        _ fixture: ServiceFixture, cursor: String, count: String? = nil, filter: String? = nil,
        startIndex: String? = nil, caller: Caller? = nil
    ) throws(SCIMError) -> JSONObject {
        let parameters = ListParameters(filter: filter, startIndex: startIndex, count: count, cursor: cursor)
        let list = try fixture.service.listUsers(caller ?? fixture.caller, parameters, context: testContext())
        return list.objectValue ?? JSONObject()
    }

    private func userNames(_ page: JSONObject) -> [String] {
        (page["Resources"]?.arrayValue ?? []).compactMap { $0.objectValue?["userName"]?.stringValue }
    }

    /// Creates `count` users after the admin and returns every userName in creation order.
    private func populate(_ fixture: ServiceFixture, count: Int) throws -> [String] {
        let names = (1...count).map { "user\($0 < 10 ? "0" : "")\($0)@acme.example" }
        for name in names { _ = try fixture.createUser(name) }
        return [ServiceFixture.adminEmail] + names
    }

    /// Follows `nextCursor` from an empty cursor and returns the userNames of every page.
    private func walk(_ fixture: ServiceFixture, counts: [String], filter: String? = nil) throws -> [[String]] {
        var pages: [[String]] = []
        var cursor = ""
        while true {
            let page = try users(
                fixture, cursor: cursor, count: counts[min(pages.count, counts.count - 1)], filter: filter)
            pages.append(userNames(page))
            guard let next = page["nextCursor"]?.stringValue else { return pages }
            #expect(pages.count < 100, "the walk does not end")
            if pages.count >= 100 { return pages }
            cursor = next
        }
    }

    @Test("RFC 9865 §2: following nextCursor lists every user once, in creation order")
    func walkAllUsers() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let expected = try populate(fixture, count: 6)

        let pages = try walk(fixture, counts: ["3"])

        #expect(pages == [Array(expected[0..<3]), Array(expected[3..<6]), [expected[6]]])
    }

    @Test("RFC 9865 §2: a cursor page has totalResults, itemsPerPage and nextCursor, and no startIndex")
    func pageShape() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        _ = try populate(fixture, count: 2)

        let page = try users(fixture, cursor: "", count: "2")

        #expect(page.members.map(\.key) == ["schemas", "totalResults", "itemsPerPage", "nextCursor", "Resources"])
        #expect(page["totalResults"] == .integer(3))
        #expect(page["itemsPerPage"] == .integer(2))
    }

    @Test("RFC 9865 §2: the last page has no nextCursor")
    func lastPage() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        _ = try populate(fixture, count: 1)

        let page = try users(fixture, cursor: "", count: "2")

        #expect(page["nextCursor"] == nil)
        #expect(userNames(page).count == 2)
    }

    @Test("A different count on each page continues without gaps or repeats")
    func countChanges() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let expected = try populate(fixture, count: 7)

        let pages = try walk(fixture, counts: ["1", "4", "2", "100"])

        #expect(pages.map(\.count) == [1, 4, 2, 1])
        #expect(pages.flatMap { $0 } == expected)
    }

    @Test("count=0 returns no resources but a nextCursor to the same place")
    func countZero() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let expected = try populate(fixture, count: 2)

        let empty = try users(fixture, cursor: "", count: "0")
        let next = try #require(empty["nextCursor"]?.stringValue)
        let first = try users(fixture, cursor: next, count: "2")

        #expect(userNames(empty).isEmpty)
        #expect(empty["totalResults"] == .integer(3))
        #expect(userNames(first) == Array(expected[0..<2]))
    }

    @Test("count=0 after the last user returns no nextCursor")
    func countZeroAtEnd() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let id = try fixture.createUser("last@acme.example")
        let atLast = ListingCursor(
            resource: .users, teamID: fixture.caller.team.id,
            fingerprint: ListingCursor.fingerprint(of: ResourceListing(page: .after(nil, count: 0))),
            issuedAt: Timestamp.nowMilliseconds(),
            position: ListingPosition(seq: try #require(fixture.store.snapshot.sequence[id])))

        let page = try users(fixture, cursor: atLast.text, count: "0")

        #expect(page["nextCursor"] == nil)
        #expect(page["totalResults"] == .integer(2))
    }

    @Test("A cursor walk with a filter lists only matching users")
    func filteredWalk() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let all = try populate(fixture, count: 6)

        let pages = try walk(
            fixture, counts: ["2"], filter: #"userName sw "user0" and not (userName ew "3@acme.example")"#)

        #expect(pages.flatMap { $0 } == all.filter { $0.hasPrefix("user0") && !$0.hasSuffix("3@acme.example") })
        #expect(pages.count == 3)
    }

    @Test("A user deleted between pages neither shifts nor repeats the rest")
    func deletionBetweenPages() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let expected = try populate(fixture, count: 5)
        let first = try users(fixture, cursor: "", count: "3")
        let deleted = try #require(fixture.store.snapshot.users.first { $0.userName == expected[1] })
        try fixture.service.deleteUser(fixture.caller, id: deleted.id, context: testContext())

        let second = try users(fixture, cursor: try #require(first["nextCursor"]?.stringValue), count: "3")

        #expect(userNames(second) == Array(expected[3..<6]))
        #expect(second["totalResults"] == .integer(5))
    }

    @Test("RFC 9865 §2.1: a cursor reused with another filter is invalidCursor")
    func otherFilter() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        _ = try populate(fixture, count: 3)
        let next = try #require(try users(fixture, cursor: "", count: "1")["nextCursor"]?.stringValue)

        let error = thrownError { () throws(SCIMError) in
            try users(fixture, cursor: next, count: "1", filter: #"userName sw "user""#)
        }

        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidCursor)
        #expect(
            error?.detail
                == "The cursor belongs to a query with another filter, sortBy or sortOrder. Send the query that "
                + "returned the cursor, or an empty cursor to start again.")
    }

    @Test(
        "RFC 9865 §2.1: a malformed cursor is invalidCursor",
        arguments: ["x", "not a cursor", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", String(repeating: "z", count: 5000)])
    func malformed(cursor: String) throws {
        let fixture = try ServiceFixture(profile: .rfc)

        let error = thrownError { () throws(SCIMError) in try users(fixture, cursor: cursor) }

        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidCursor)
        #expect(error?.detail == Self.malformedDetail)
    }

    @Test("RFC 9865 §5.2: another team's cursor is invalidCursor with the malformed cursor's text")
    func otherTeam() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        _ = try populate(fixture, count: 2)
        let other = try fixture.otherTeamCaller()
        _ = try fixture.createUser("someone@other.example", caller: other)
        let next = try #require(try users(fixture, cursor: "", count: "1")["nextCursor"]?.stringValue)

        let error = thrownError { () throws(SCIMError) in try users(fixture, cursor: next, caller: other) }

        #expect(error?.scimType == .invalidCursor)
        #expect(error?.detail == Self.malformedDetail)
    }

    @Test("A users cursor sent to the groups listing is invalidCursor")
    func otherEndpoint() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        _ = try populate(fixture, count: 2)
        let next = try #require(try users(fixture, cursor: "", count: "1")["nextCursor"]?.stringValue)

        let error = thrownError { () throws(SCIMError) in
            try fixture.service.listGroups(
                fixture.caller, ListParameters(cursor: next), projection: .all, context: testContext())
        }

        #expect(error?.scimType == .invalidCursor)
        #expect(error?.detail == Self.malformedDetail)
    }

    @Test("RFC 9865 §2.1: a cursor older than the timeout is expiredCursor")
    func expired() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        let listing = ResourceListing(page: .after(nil, count: 0))
        let now = Timestamp.nowMilliseconds()
        let old = ListingCursor(
            resource: .users, teamID: fixture.caller.team.id, fingerprint: ListingCursor.fingerprint(of: listing),
            issuedAt: now - Int64(SCIMService.defaultCursorTimeoutSeconds) * 1000 - 60_000, position: nil)
        let fresh = ListingCursor(
            resource: old.resource, teamID: old.teamID, fingerprint: old.fingerprint, issuedAt: now - 60_000,
            position: nil)

        let error = thrownError { () throws(SCIMError) in try users(fixture, cursor: old.text) }

        #expect(error?.status == 400)
        #expect(error?.scimType == .expiredCursor)
        #expect(
            error?.detail
                == "The cursor expired: it is valid for 3600 seconds after the page that returned it. Send an empty "
                + "cursor to start again.")
        #expect(try userNames(users(fixture, cursor: fresh.text)) == [ServiceFixture.adminEmail])
    }

    @Test("startIndex together with cursor is invalidValue", arguments: ["", "x"])
    func startIndexAndCursor(cursor: String) throws {
        let fixture = try ServiceFixture(profile: .rfc)

        let error = thrownError { () throws(SCIMError) in try users(fixture, cursor: cursor, startIndex: "1") }

        #expect(error?.status == 400)
        #expect(error?.scimType == .invalidValue)
        #expect(
            error?.detail
                == "startIndex and cursor cannot be combined: send startIndex for index pages or cursor for cursor pages."
        )
    }

    @Test("A non-integer count with a cursor is invalidValue")
    func badCount() throws {
        let fixture = try ServiceFixture(profile: .rfc)

        let error = thrownError { () throws(SCIMError) in try users(fixture, cursor: "", count: "ten") }

        #expect(error?.scimType == .invalidValue)
    }

    @Test("The postman profile ignores cursor and serves an index page")
    func postmanIgnoresCursor() throws {
        let fixture = try ServiceFixture()

        let page = try users(fixture, cursor: "", count: "1")

        #expect(page["nextCursor"] == nil)
        #expect(page["startIndex"] == .integer(1))
    }

    @Test("Group cursor pages list every group once")
    func walkGroups() throws {
        let fixture = try ServiceFixture(profile: .rfc)
        for name in ["Alpha", "Beta", "Gamma"] {
            let body = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(name)"}"#
            _ = try fixture.service.createGroup(
                fixture.caller, body: bytes(body), projection: .all, context: testContext())
        }
        var names: [String] = []
        var cursor = ""

        for _ in 0..<3 {
            let page = try fixture.service.listGroups(
                fixture.caller, ListParameters(count: "2", cursor: cursor), projection: .all, context: testContext())
            let object = try #require(page.objectValue)
            names += (object["Resources"]?.arrayValue ?? []).compactMap { $0.objectValue?["displayName"]?.stringValue }
            guard let next = object["nextCursor"]?.stringValue else { break }
            cursor = next
        }

        #expect(names == ["Alpha", "Beta", "Gamma"])
    }

    @Test("RFC 9865 §4: the rfc profile advertises pagination as it serves it")
    func serviceProviderConfig() throws {
        let rfc = try ServiceFixture(profile: .rfc)
        let postman = try ServiceFixture()

        let pagination = rfc.service.serviceProviderConfig(context: testContext()).objectValue?["pagination"]

        #expect(
            pagination
                == .object(
                    JSONObject([
                        ("cursor", .bool(true)), ("index", .bool(true)), ("defaultPaginationMethod", .string("index")),
                        ("defaultPageSize", .integer(100)), ("maxPageSize", .integer(100)),
                        ("cursorTimeout", .integer(3600)),
                    ])))
        #expect(postman.service.serviceProviderConfig(context: testContext()).objectValue?["pagination"] == nil)
    }
}
