import SCIMCore
import Testing

/// `sortBy` and `sortOrder` (RFC 7644 §3.4.2.3) in each store, compared with a sort written in Swift,
/// and keyset pages (`.after`) compared with one index page.
extension StoreContractTests {
    /// A sort key as the tests compute it: folded text, an integer or a boolean.
    enum SwiftSortKey: Comparable {
        case text([Unicode.Scalar])
        case integer(Int64)
        case boolean(Bool)

        static func < (lhs: SwiftSortKey, rhs: SwiftSortKey) -> Bool {
            switch (lhs, rhs) {
            case (.text(let left), .text(let right)): left.lexicographicallyPrecedes(right)
            case (.integer(let left), .integer(let right)): left < right
            case (.boolean(let left), .boolean(let right)): !left && right
            default: false
            }
        }
    }

    static let userSortPaths = [
        "userName", "name.familyName", "title", "emails", "emails.type", "meta.created", "active", "externalId",
        "displayName", "\(Schema.enterpriseUserURN):employeeNumber", "id", "meta.version",
    ]

    /// Returns the sort key of `resource` for `path`: the primary value of a multi-valued attribute, else
    /// its first value; folded unless the attribute is caseExact.
    static func sortKey(_ resource: JSONObject, path: String, record: UserRecord) -> SwiftSortKey? {
        switch path {
        case "meta.created": return .integer(record.created)
        case "meta.version": return .integer(record.version)
        default: break
        }
        let attribute = try? FilterResolver.users.sortAttribute(
            AttributePath(
                schema: path.hasPrefix("urn:") ? Schema.enterpriseUserURN : nil,
                name: String(path.split(separator: ":").last?.split(separator: ".").first ?? ""),
                subAttribute: path.split(separator: ":").last?.split(separator: ".").dropFirst().first.map(String.init))
        )
        guard let attribute else { return nil }
        var container = resource
        if !attribute.isCore { container = resource[attribute.schema]?.objectValue ?? JSONObject() }
        var value = container[attribute.name]
        if let items = value?.arrayValue {
            let primary = items.first { $0.objectValue?["primary"] == .bool(true) }
            let fromPrimary = primary?.objectValue?[attribute.subAttribute ?? "value"]
            value = fromPrimary ?? items.first?.objectValue?[attribute.subAttribute ?? "value"]
        } else if let sub = attribute.subAttribute {
            value = value?.objectValue?[sub]
        }
        switch value {
        case .string(let text)?:
            return .text(Array((attribute.caseExact ? text : FilterResolver.fold(text)).unicodeScalars))
        case .bool(let flag)?:
            return .boolean(flag)
        default:
            return nil
        }
    }

    /// Orders ids as the stores must: by key, missing keys last ascending and first descending, ties in
    /// creation order.
    static func expectedOrder(_ keyed: [(id: String, key: SwiftSortKey?)], descending: Bool) -> [String] {
        let present = keyed.filter { $0.key != nil }
        let missing = keyed.filter { $0.key == nil }.map(\.id)
        var sorted = present.enumerated().sorted { left, right in
            guard let leftKey = left.element.key, let rightKey = right.element.key else { return false }
            if leftKey != rightKey { return descending ? rightKey < leftKey : leftKey < rightKey }
            return left.offset < right.offset
        }.map(\.element.id)
        sorted = descending ? missing + sorted : sorted + missing
        return sorted
    }

    @Test("Users sort by any attribute in both orders (RFC 7644 §3.4.2.3)", arguments: StoreKind.available)
    func usersSortLikeSwift(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let (team, _) = try Self.insertRandomTeam(seed: 3_423, in: store)

        for path in Self.userSortPaths {
            for descending in [false, true] {
                let keyed = team.users.map { ($0.record.id, Self.sortKey($0.resource, path: path, record: $0.record)) }
                let expected = Self.expectedOrder(keyed, descending: descending)
                let sortBy = try #require(try Self.attributePath(path))
                let listing = ResourceListing(
                    sortBy: sortBy, descending: descending, page: .index(startIndex: 1, count: 1000))

                let listed = try store.reading { try $0.users(teamID: team.teamID, listing: listing) }

                #expect(listed.users.map(\.id) == expected, "\(path) descending: \(descending)")
            }
        }
    }

    @Test("Keyset pages walk the same order as one page", arguments: StoreKind.available)
    func keysetPagesMatchIndexPage(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let (team, _) = try Self.insertRandomTeam(seed: 9_865, in: store)
        let filters = [nil, "emails.type eq \"work\" or active eq true", "not (title pr)"]

        for path in [nil] + Self.userSortPaths {
            for filterText in filters {
                for descending in [false, true] {
                    let sortBy = try path.map { try #require(try Self.attributePath($0)) }
                    let filter = try filterText.map { try FilterParser.parse($0) }
                    let whole = ResourceListing(
                        filter: filter, sortBy: sortBy, descending: descending, page: .index(startIndex: 1, count: 1000)
                    )
                    let expected = try store.reading { try $0.users(teamID: team.teamID, listing: whole) }

                    var walked: [String] = []
                    var position: ListingPosition?
                    var pages = 0
                    repeat {
                        var listing = whole
                        listing.page = .after(position, count: 7)
                        let page = try store.reading { try $0.users(teamID: team.teamID, listing: listing) }
                        #expect(page.totalResults == expected.totalResults)
                        walked += page.users.map(\.id)
                        position = page.next
                        pages += 1
                    } while position != nil && pages < 20

                    #expect(walked == expected.users.map(\.id), "\(path ?? "-") \(filterText ?? "-") \(descending)")
                }
            }
        }
    }

    static func attributePath(_ text: String) throws -> AttributePath? {
        guard case .comparison(let path, .pr, nil) = try FilterParser.parse("\(text) pr") else { return nil }
        return path
    }
}
