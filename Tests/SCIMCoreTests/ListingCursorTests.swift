import SCIMCore
import Testing

struct ListingCursorTests {
    private static let positions: [ListingPosition?] = [
        nil,
        ListingPosition(seq: 7),
        ListingPosition(sortKey: .missing, seq: 8),
        ListingPosition(sortKey: .string("Zoë O'Brien/+="), seq: 9),
        ListingPosition(sortKey: .integer(-1_700_000_000_000), seq: 10),
        ListingPosition(sortKey: .decimal(2.5), seq: 11),
        ListingPosition(sortKey: .bool(true), seq: 12),
        ListingPosition(sortKey: .bool(false), seq: Int64.max),
    ]

    private func cursor(_ position: ListingPosition?) -> ListingCursor {
        ListingCursor(
            resource: .groups, teamID: 42, fingerprint: 0xfeed_beef_0000_0001, issuedAt: 1_796_000_000_123,
            position: position)
    }

    @Test("Cursor text parses back to the same cursor", arguments: positions)
    func roundTrip(position: ListingPosition?) throws {
        let original = cursor(position)

        let parsed = try #require(ListingCursor(text: original.text))

        #expect(parsed == original)
    }

    @Test("RFC 9865 §2: cursor text uses only unreserved characters", arguments: positions)
    func unreservedCharacters(position: ListingPosition?) {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

        let text = cursor(position).text

        #expect(!text.isEmpty)
        #expect(text.allSatisfy { unreserved.contains($0) })
    }

    @Test("An altered character makes the cursor unreadable")
    func alteredCharacter() {
        let text = cursor(ListingPosition(sortKey: .string("alex@example.com"), seq: 3)).text

        for index in text.indices {
            var altered = text
            altered.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
            #expect(
                ListingCursor(text: altered) == nil, "altered at \(text.distance(from: text.startIndex, to: index))")
        }
    }

    @Test(
        "Text that is no cursor is rejected",
        arguments: ["", "x", "====", "not a cursor", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "a+b/c="])
    func notACursor(text: String) {
        #expect(ListingCursor(text: text) == nil)
    }

    @Test("A shortened cursor is rejected")
    func truncated() {
        let text = cursor(ListingPosition(seq: 5)).text

        #expect(ListingCursor(text: String(text.dropLast(2))) == nil)
        #expect(ListingCursor(text: String(text.dropFirst(4))) == nil)
    }

    @Test("Fingerprint ignores attribute-name case and counts values exactly")
    func fingerprint() throws {
        let lower = try FilterParser.parse(#"username eq "Ann""#, allowsSingleQuotes: false)
        let upper = try FilterParser.parse(#"USERNAME EQ "Ann""#, allowsSingleQuotes: false)
        let otherValue = try FilterParser.parse(#"userName eq "ann""#, allowsSingleQuotes: false)

        let base = ListingCursor.fingerprint(of: ResourceListing(filter: lower, page: .after(nil, count: 1)))

        #expect(
            ListingCursor.fingerprint(of: ResourceListing(filter: upper, page: .index(startIndex: 3, count: 9))) == base
        )
        #expect(ListingCursor.fingerprint(of: ResourceListing(filter: otherValue, page: .after(nil, count: 1))) != base)
        #expect(ListingCursor.fingerprint(of: ResourceListing(page: .after(nil, count: 1))) != base)
    }

    @Test("Fingerprint counts sortBy and sortOrder")
    func fingerprintOrder() {
        let byName = ResourceListing(sortBy: AttributePath(name: "userName"), page: .after(nil, count: 1))
        var descending = byName
        descending.descending = true
        let byTitle = ResourceListing(sortBy: AttributePath(name: "title"), page: .after(nil, count: 1))

        let fingerprints = [byName, descending, byTitle, ResourceListing(page: .after(nil, count: 1))]
            .map(ListingCursor.fingerprint(of:))

        #expect(Set(fingerprints).count == 4)
    }
}
