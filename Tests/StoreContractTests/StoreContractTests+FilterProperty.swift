import SCIMCore
import Testing

/// Random filters and sort orders, run by each store in SQL and compared with ``FilterEvaluator`` and
/// a sort written in Swift over the same records (RFC 7644 §3.4.2.2 and §3.4.2.3).
extension StoreContractTests {
    static let baseURL = "https://scim.example/scim/v2"

    /// A team with random users and groups, and how the `rfc` profile renders each.
    struct RandomTeam {
        let teamID: Int64
        let users: [(record: UserRecord, resource: JSONObject)]
        let groups: [(record: GroupRecord, resource: JSONObject)]
        let samples: [String]
    }

    static func insertRandomTeam(seed: UInt64, in store: ContractStore) throws -> (RandomTeam, RandomListingData) {
        var data = RandomListingData(random: SeededGenerator(seed: seed))
        let team = try store.writing { try $0.insertTeam(name: "random", domains: [], now: F.now) }
        let users = (1...40).map { data.user($0, teamID: team.id) }
        let groups = (1...12).map { data.group($0, teamID: team.id) }
        let memberships = groups.map { _ in data.members(of: users.map(\.id)) }
        try store.writing { transaction in
            for user in users { try transaction.insertUser(user) }
            for (group, members) in zip(groups, memberships) {
                try transaction.insertGroup(group)
                _ = try transaction.addMembers(groupID: group.id, members)
            }
        }

        let userRenderer = UserRepresentation(profile: .rfc)
        let groupRenderer = GroupRepresentation(profile: .rfc)
        let renderedGroups = try store.reading { transaction in
            try groups.map { group in
                let members = try transaction.members(groupID: group.id)
                return (
                    group, groupRenderer.render(group, members: members, baseURL: baseURL).objectValue ?? JSONObject()
                )
            }
        }
        let renderedUsers = users.map { ($0, userRenderer.render($0, baseURL: baseURL).objectValue ?? JSONObject()) }
        let samples =
            users.flatMap { [$0.id, $0.userName, $0.givenName ?? "", $0.externalID ?? ""] }
            + groups.flatMap { [$0.id, $0.displayName] }
        return (RandomTeam(teamID: team.id, users: renderedUsers, groups: renderedGroups, samples: samples), data)
    }

    @Test("Random user filters match the evaluator (RFC 7644 §3.4.2.2)", arguments: StoreKind.available)
    func randomUserFiltersMatchEvaluator(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let (team, data) = try Self.insertRandomTeam(seed: 7_644, in: store)
        var generator = RandomFilterText(
            data: data, attributes: RandomFilterText.userAttributes, valuePaths: RandomFilterText.userValuePaths,
            samples: team.samples)
        let evaluator = FilterEvaluator(schemas: [.user, .enterpriseUser])
        var matchedSome = 0

        for _ in 0..<400 {
            let text = generator.filter(depth: 3)
            let filter = try FilterParser.parse(text)
            let listing = ResourceListing(filter: filter, page: .index(startIndex: 1, count: 1000))
            guard (try? FilterResolver.users.resolve(filter)) != nil else {
                let error = #expect(throws: SCIMError.self, "\(text)") {
                    try store.reading { try $0.users(teamID: team.teamID, listing: listing) }
                }
                #expect(error?.scimType == .invalidFilter, "\(text)")
                continue
            }
            let expected = try team.users.filter { try evaluator.matches(filter, $0.resource) }.map(\.record.id)

            let listed = try store.reading { try $0.users(teamID: team.teamID, listing: listing) }

            #expect(listed.users.map(\.id) == expected, "\(text)")
            #expect(listed.totalResults == expected.count, "\(text)")
            if !expected.isEmpty, expected.count < team.users.count { matchedSome += 1 }
        }
        #expect(matchedSome > 40, "too few filters selected some but not all users: \(matchedSome)")
    }

    @Test("Random group filters match the evaluator (RFC 7644 §3.4.2.2)", arguments: StoreKind.available)
    func randomGroupFiltersMatchEvaluator(kind: StoreKind) throws {
        let store = try ContractStore(kind)
        let (team, data) = try Self.insertRandomTeam(seed: 7_643, in: store)
        var generator = RandomFilterText(
            data: data, attributes: RandomFilterText.groupAttributes, valuePaths: RandomFilterText.groupValuePaths,
            samples: team.samples)
        let evaluator = FilterEvaluator(schemas: [.group])
        var matchedSome = 0

        for _ in 0..<300 {
            let text = generator.filter(depth: 3)
            let filter = try FilterParser.parse(text)
            let listing = ResourceListing(filter: filter, page: .index(startIndex: 1, count: 1000))
            guard (try? FilterResolver.groups.resolve(filter)) != nil else {
                let error = #expect(throws: SCIMError.self, "\(text)") {
                    try store.reading { try $0.groups(teamID: team.teamID, listing: listing) }
                }
                #expect(error?.scimType == .invalidFilter, "\(text)")
                continue
            }
            let expected = try team.groups.filter { try evaluator.matches(filter, $0.resource) }.map(\.record.id)

            let listed = try store.reading { try $0.groups(teamID: team.teamID, listing: listing) }

            #expect(listed.groups.map(\.id) == expected, "\(text)")
            #expect(listed.totalResults == expected.count, "\(text)")
            if !expected.isEmpty, expected.count < team.groups.count { matchedSome += 1 }
        }
        #expect(matchedSome > 30, "too few filters selected some but not all groups: \(matchedSome)")
    }
}
