import SCIMCore
import SCIMTestSupport
import Testing

/// The listing semantics the in-memory store gives the service tests: filter, `sortBy` with missing
/// values last in ascending order, ties in creation order, and one order for `.index` and `.after`.
struct InMemoryListingTests {
    /// Creates users with these titles (nil for none) after the admin, who has no title.
    private func fixture(titles: [String?]) throws -> ServiceFixture {
        let fixture = try ServiceFixture(profile: .rfc)
        for (index, title) in titles.enumerated() {
            let titleMember = title.map { #","title":"\#($0)""# } ?? ""
            let body =
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u\#(index)@acme.example""#
                + titleMember + "}"
            _ = try fixture.service.createUser(fixture.caller, body: bytes(body), context: testContext())
        }
        return fixture
    }

    private func userNames(_ fixture: ServiceFixture, _ listing: ResourceListing) throws(SCIMError) -> [String] {
        try fixture.store.read { transaction throws(SCIMError) in
            try transaction.users(teamID: fixture.caller.team.id, listing: listing).users.map(\.userName)
        }
    }

    @Test("sortBy ascending puts missing values last and keeps creation order for ties")
    func ascending() throws {
        let fixture = try fixture(titles: ["b", nil, "A", "b", "c"])

        let names = try userNames(
            fixture, ResourceListing(sortBy: AttributePath(name: "title"), page: .index(startIndex: 1, count: 10)))

        #expect(
            names == [
                "u2@acme.example", "u0@acme.example", "u3@acme.example", "u4@acme.example", ServiceFixture.adminEmail,
                "u1@acme.example",
            ])
    }

    @Test("sortBy descending puts missing values first and keeps creation order for ties")
    func descending() throws {
        let fixture = try fixture(titles: ["b", nil, "A", "b"])

        let names = try userNames(
            fixture,
            ResourceListing(
                sortBy: AttributePath(name: "title"), descending: true, page: .index(startIndex: 1, count: 10)))

        #expect(
            names == [
                ServiceFixture.adminEmail, "u1@acme.example", "u0@acme.example", "u3@acme.example", "u2@acme.example",
            ])
    }

    @Test("after-pages walk the order index pages have")
    func afterMatchesIndex() throws {
        let fixture = try fixture(titles: ["b", nil, "A", "b", "c", nil, "a"])
        let sortBy = AttributePath(name: "title")
        let all = try userNames(fixture, ResourceListing(sortBy: sortBy, page: .index(startIndex: 1, count: 100)))
        var walked: [String] = []
        var position: ListingPosition?

        for _ in 0..<10 {
            let page = try fixture.store.read { transaction throws(SCIMError) in
                try transaction.users(
                    teamID: fixture.caller.team.id,
                    listing: ResourceListing(sortBy: sortBy, page: .after(position, count: 3)))
            }
            walked += page.users.map(\.userName)
            guard let next = page.next else { break }
            position = next
        }

        #expect(walked == all)
        #expect(all.count == 8)
    }

    @Test("A filter on an attribute the schema lacks is invalidFilter")
    func unknownAttribute() throws {
        let fixture = try fixture(titles: [])
        let filter = try FilterParser.parse(#"shoeSize eq "9""#, allowsSingleQuotes: false)

        let error = thrownError { () throws(SCIMError) in
            try userNames(fixture, ResourceListing(filter: filter, page: .after(nil, count: 5)))
        }

        #expect(error?.scimType == .invalidFilter)
    }
}
