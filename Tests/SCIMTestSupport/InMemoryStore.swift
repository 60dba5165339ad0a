import Foundation
package import SCIMCore

/// A ``ResourceStore`` in memory, for unit tests of the service layer.
///
/// Each transaction works on a copy of the state; a write replaces the state with its copy only
/// when its body returns, so a body that throws leaves nothing behind, as the protocol requires.
/// Transactions run one at a time. ``failTransactions(with:)`` makes every later transaction throw,
/// to test how the service reports storage failures.
package final class InMemoryStore: ResourceStore, @unchecked Sendable {
    /// Everything the store keeps.
    package struct State: Sendable {
        package var teams: [TeamRecord] = []
        package var users: [UserRecord] = []
        package var keys: [APIKeyRecord] = []
        package var groups: [GroupRecord] = []
        /// Each group's members in the order they were added, by group id.
        package var members: [String: [GroupMember]] = [:]
        package var nextTeamID: Int64 = 1
        /// The creation sequence number of each user and group, by id, which breaks ties in listings.
        package var sequence: [String: Int64] = [:]
        package var nextSequence: Int64 = 1
    }

    // Every access to `state`, `injectedFailure` and `isClosed` takes `lock`, which makes the class
    // safe to share between threads.
    private let lock = NSLock()
    private var state = State()
    private var injectedFailure: SCIMError?
    private var isClosed = false

    package init() {}

    /// A copy of the committed state.
    package var snapshot: State {
        lock.withLock { state }
    }

    /// Makes every later transaction throw `error` before running its body; nil ends the fault.
    package func failTransactions(with error: SCIMError?) {
        lock.withLock { injectedFailure = error }
    }

    package func read<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        try run(isWritable: false, body)
    }

    package func write<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T {
        try run(isWritable: true, body)
    }

    package func close() {
        lock.withLock { isClosed = true }
    }

    private func run<T>(isWritable: Bool, _ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError)
        -> T
    {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw .unavailable("the in-memory store is closed") }
        if let injectedFailure { throw injectedFailure }

        let transaction = InMemoryTransaction(state: state, isWritable: isWritable)
        let result = try body(transaction)
        if isWritable { state = transaction.state }
        return result
    }
}

/// One transaction of ``InMemoryStore``: a private copy of the state.
private final class InMemoryTransaction: StoreTransaction {
    var state: InMemoryStore.State
    let isWritable: Bool

    init(state: InMemoryStore.State, isWritable: Bool) {
        self.state = state
        self.isWritable = isWritable
    }

    func team(named name: String) throws(SCIMError) -> TeamRecord? {
        state.teams.first { $0.name == name }
    }

    func team(id: Int64) throws(SCIMError) -> TeamRecord? {
        state.teams.first { $0.id == id }
    }

    func insertTeam(name: String, domains: [String], now: Int64) throws(SCIMError) -> TeamRecord {
        try requireWritable()
        guard try team(named: name) == nil else { throw .uniqueness("A team named '\(name)' exists.") }
        let team = TeamRecord(id: state.nextTeamID, name: name, domains: domains, isDeleted: false)
        state.nextTeamID += 1
        state.teams.append(team)
        return team
    }

    func markTeamDeleted(id: Int64, now: Int64) throws(SCIMError) {
        try requireWritable()
        guard let index = state.teams.firstIndex(where: { $0.id == id }) else {
            throw .internalFailure("no team has the id \(id)")
        }
        state.teams[index].isDeleted = true
    }

    func credential(keyID: String) throws(SCIMError) -> CredentialRecord? {
        guard let key = state.keys.first(where: { $0.id == keyID }), let team = try team(id: key.teamID) else {
            return nil
        }
        return CredentialRecord(key: key, team: team, admin: try user(id: key.adminUserID))
    }

    func insertKey(_ key: APIKeyRecord) throws(SCIMError) {
        try requireWritable()
        guard !state.keys.contains(where: { $0.id == key.id }) else { throw .uniqueness("The key id exists.") }
        state.keys.append(key)
    }

    func keys(teamID: Int64) throws(SCIMError) -> [APIKeyRecord] {
        state.keys.filter { $0.teamID == teamID }
    }

    func revokeKey(id: String, now: Int64) throws(SCIMError) -> Bool {
        try requireWritable()
        guard let index = state.keys.firstIndex(where: { $0.id == id && $0.revoked == nil }) else { return false }
        state.keys[index].revoked = now
        return true
    }

    func user(id: String) throws(SCIMError) -> UserRecord? {
        state.users.first { $0.id == id }
    }

    func user(userName: String) throws(SCIMError) -> UserRecord? {
        state.users.first { $0.userName.lowercased() == userName.lowercased() }
    }

    func users(teamID: Int64, matching query: UserQuery, startIndex: Int, count: Int) throws(SCIMError) -> UserPage {
        let matching = state.users.filter { user in
            user.teamID == teamID && (query.userName.map { $0 == user.userName } ?? true)
                && (query.active.map { $0 == user.active } ?? true)
        }
        let page = matching.dropFirst(max(0, startIndex - 1)).prefix(max(0, count))
        return UserPage(totalResults: matching.count, users: Array(page))
    }

    func insertUser(_ user: UserRecord) throws(SCIMError) {
        try requireWritable()
        guard try self.user(id: user.id) == nil else { throw .uniqueness("The user id \(user.id) exists.") }
        guard try self.user(userName: user.userName) == nil else {
            throw .uniqueness("The userName \(user.userName) exists.")
        }
        state.users.append(user)
        assignSequence(to: user.id)
    }

    func updateUser(_ user: UserRecord) throws(SCIMError) {
        try requireWritable()
        guard let index = state.users.firstIndex(where: { $0.id == user.id }) else {
            throw .internalFailure("no user has the id \(user.id)")
        }
        if let holder = try self.user(userName: user.userName), holder.id != user.id {
            throw .uniqueness("The userName \(user.userName) exists.")
        }
        state.users[index] = user
    }

    func deleteUser(id: String) throws(SCIMError) {
        try requireWritable()
        state.users.removeAll { $0.id == id }
        for groupID in state.members.keys {
            state.members[groupID]?.removeAll { $0.userID == id }
        }
    }

    func users(ids: [String]) throws(SCIMError) -> [UserRecord] {
        let wanted = Set(ids)
        return state.users.filter { wanted.contains($0.id) }
    }

    private func requireWritable() throws(SCIMError) {
        guard isWritable else { throw .internalFailure("a write was attempted in a read transaction") }
    }

    fileprivate func assignSequence(to id: String) {
        state.sequence[id] = state.nextSequence
        state.nextSequence += 1
    }
}

extension InMemoryTransaction {
    func group(id: String) throws(SCIMError) -> GroupRecord? {
        state.groups.first { $0.id == id }
    }

    func group(teamID: Int64, displayName: String) throws(SCIMError) -> GroupRecord? {
        state.groups.first { $0.teamID == teamID && $0.displayName.lowercased() == displayName.lowercased() }
    }

    func groups(teamID: Int64, matching query: GroupQuery, startIndex: Int, count: Int) throws(SCIMError) -> GroupPage {
        let matching = state.groups.filter { group in
            group.teamID == teamID && (query.displayName.map { $0 == group.displayName } ?? true)
                && (query.externalID.map { $0 == group.externalID } ?? true)
                && (query.memberUserID.map { id in
                    state.members[group.id, default: []].contains { $0.userID == id }
                } ?? true)
        }
        let page = matching.dropFirst(max(0, startIndex - 1)).prefix(max(0, count))
        return GroupPage(totalResults: matching.count, groups: Array(page))
    }

    func insertGroup(_ group: GroupRecord) throws(SCIMError) {
        try requireWritableForGroups()
        guard try self.group(teamID: group.teamID, displayName: group.displayName) == nil else {
            throw .uniqueness("The team has a group named \(group.displayName).")
        }
        state.groups.append(group)
        assignSequence(to: group.id)
    }

    func updateGroup(_ group: GroupRecord) throws(SCIMError) {
        try requireWritableForGroups()
        guard let index = state.groups.firstIndex(where: { $0.id == group.id }) else {
            throw .internalFailure("no group has the id \(group.id)")
        }
        if let holder = try self.group(teamID: group.teamID, displayName: group.displayName), holder.id != group.id {
            throw .uniqueness("The team has a group named \(group.displayName).")
        }
        state.groups[index] = group
    }

    func deleteGroup(id: String) throws(SCIMError) {
        try requireWritableForGroups()
        state.groups.removeAll { $0.id == id }
        state.members[id] = nil
    }

    func members(groupID: String) throws(SCIMError) -> [GroupMember] {
        state.members[groupID, default: []]
    }

    func members(groupID: String, userIDs: [String]) throws(SCIMError) -> [GroupMember] {
        let wanted = Set(userIDs)
        return state.members[groupID, default: []].filter { wanted.contains($0.userID) }
    }

    func addMembers(groupID: String, _ members: [GroupMember]) throws(SCIMError) -> Int {
        try requireWritableForGroups()
        var current = state.members[groupID, default: []]
        let before = current.count
        for member in members where !current.contains(where: { $0.userID == member.userID }) {
            current.append(member)
        }
        state.members[groupID] = current
        return current.count - before
    }

    func removeMembers(groupID: String, userIDs: [String]) throws(SCIMError) -> Int {
        try requireWritableForGroups()
        let unwanted = Set(userIDs)
        let before = state.members[groupID, default: []].count
        state.members[groupID]?.removeAll { unwanted.contains($0.userID) }
        return before - state.members[groupID, default: []].count
    }

    func removeAllMembers(groupID: String) throws(SCIMError) -> Int {
        try requireWritableForGroups()
        let removed = state.members[groupID, default: []].count
        state.members[groupID] = nil
        return removed
    }

    func groups(ofUser userID: String) throws(SCIMError) -> [GroupRecord] {
        state.groups.filter { group in state.members[group.id, default: []].contains { $0.userID == userID } }
    }

    private func requireWritableForGroups() throws(SCIMError) {
        guard isWritable else { throw .internalFailure("a write was attempted in a read transaction") }
    }
}

// MARK: - Listings of the rfc profile

extension InMemoryTransaction {
    func users(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedUsers {
        let representation = UserRepresentation(profile: .rfc)
        let entries = state.users.filter { $0.teamID == teamID }.map { user in
            ListingEntry(
                record: user, seq: state.sequence[user.id] ?? 0,
                resource: representation.render(user, baseURL: "").objectValue ?? JSONObject())
        }
        let page = try ListingEvaluation(schemas: [.user, .enterpriseUser]).page(of: entries, listing)
        return ListedUsers(totalResults: page.total, users: page.records, next: page.next)
    }

    func groups(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedGroups {
        let representation = GroupRepresentation(profile: .rfc)
        let entries = state.groups.filter { $0.teamID == teamID }.map { group in
            let members = state.members[group.id, default: []]
            return ListingEntry(
                record: group, seq: state.sequence[group.id] ?? 0,
                resource: representation.render(group, members: members, baseURL: "").objectValue ?? JSONObject())
        }
        let page = try ListingEvaluation(schemas: [.group]).page(of: entries, listing)
        return ListedGroups(totalResults: page.total, groups: page.records, next: page.next)
    }
}

/// One resource in a listing: the record, its creation sequence number and its JSON form.
private struct ListingEntry<Record> {
    var record: Record
    var seq: Int64
    var resource: JSONObject
}

/// Filters, sorts and pages resources in memory as ``ListingTransaction`` describes: a resource
/// without the `sortBy` attribute sorts last in ascending order, and ties keep creation order in both
/// orders. `.index` and `.after` pages walk the same order.
private struct ListingEvaluation {
    let schemas: [Schema]

    func page<Record>(of entries: [ListingEntry<Record>], _ listing: ResourceListing) throws(SCIMError)
        -> (total: Int, records: [Record], next: ListingPosition?)
    {
        var matching: [(entry: ListingEntry<Record>, position: ListingPosition)] = []
        if let filter = listing.filter { try checkPaths(filter, parent: nil) }
        let evaluator = FilterEvaluator(schemas: schemas)
        for entry in entries {
            if let filter = listing.filter, !(try evaluator.matches(filter, entry.resource)) { continue }
            let key = listing.sortBy.map { sortKey($0, in: entry.resource) }
            matching.append((entry, ListingPosition(sortKey: key, seq: entry.seq)))
        }
        let caseExact = listing.sortBy.map(isCaseExact) ?? false
        let order = { (lhs: ListingPosition, rhs: ListingPosition) -> Int in
            Self.compare(lhs, rhs, caseExact: caseExact, descending: listing.descending)
        }
        matching.sort { order($0.position, $1.position) < 0 }

        var first = 0
        let count: Int
        switch listing.page {
        case .index(let startIndex, let pageCount):
            first = min(matching.count, max(0, startIndex - 1))
            count = max(0, pageCount)
        case .after(let position, let pageCount):
            if let position { first = matching.firstIndex { order($0.position, position) > 0 } ?? matching.count }
            count = max(0, pageCount)
        }
        let slice = matching[first..<min(matching.count, first + count)]
        let next = slice.isEmpty || slice.endIndex == matching.count ? nil : slice.last?.position
        return (matching.count, slice.map(\.entry.record), next)
    }

    /// Orders by sort key (missing last, strings without regard to case unless `caseExact`), reversed
    /// when descending, then by creation sequence.
    static func compare(_ lhs: ListingPosition, _ rhs: ListingPosition, caseExact: Bool, descending: Bool) -> Int {
        var result = compareKeys(lhs.sortKey ?? .missing, rhs.sortKey ?? .missing, caseExact: caseExact)
        if descending { result = -result }
        guard result == 0 else { return result }
        return lhs.seq < rhs.seq ? -1 : (lhs.seq == rhs.seq ? 0 : 1)
    }

    private static func compareKeys(_ lhs: ListingSortKey, _ rhs: ListingSortKey, caseExact: Bool) -> Int {
        func sign<T: Comparable>(_ left: T, _ right: T) -> Int { left < right ? -1 : (left == right ? 0 : 1) }
        switch (lhs, rhs) {
        case (.missing, .missing): return 0
        case (.missing, _): return 1
        case (_, .missing): return -1
        case (.string(let left), .string(let right)):
            return caseExact ? sign(left, right) : sign(left.lowercased(), right.lowercased())
        case (.integer(let left), .integer(let right)): return sign(left, right)
        case (.decimal(let left), .decimal(let right)): return sign(left, right)
        case (.bool(let left), .bool(let right)): return sign(left ? 1 : 0, right ? 1 : 0)
        default: return sign(rank(lhs), rank(rhs))
        }
    }

    private static func rank(_ key: ListingSortKey) -> Int {
        switch key {
        case .bool: 0
        case .integer: 1
        case .decimal: 2
        case .string: 3
        case .missing: 4
        }
    }

    /// Returns the sort key of a resource. A multi-valued attribute sorts by its primary value, else its
    /// first (RFC 7644 §3.4.2.3), and a date becomes milliseconds.
    private func sortKey(_ path: AttributePath, in resource: JSONObject) -> ListingSortKey {
        let (definition, container) = locate(path, in: resource)
        guard var value = container.value(forAttribute: path.name) else { return .missing }
        if let items = value.arrayValue {
            let primary = items.first { $0.objectValue?.value(forAttribute: "primary") == .bool(true) }
            guard let chosen = primary ?? items.first else { return .missing }
            value = chosen
        }
        let subName = path.subAttribute ?? (definition?.type == .complex ? "value" : nil)
        var type = definition?.type
        if let subName {
            guard let inner = value.objectValue?.value(forAttribute: subName) else { return .missing }
            value = inner
            type = definition?.subAttribute(named: subName)?.type
        }
        switch value {
        case .string(let text) where type == .dateTime:
            guard let date = DateTimeValue.parse(text) else { return .string(text) }
            return .integer(date.seconds * 1000 + date.nanoseconds / 1_000_000)
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .decimal(let number): return .decimal(number)
        case .bool(let flag): return .bool(flag)
        default: return .missing
        }
    }

    private func isCaseExact(_ path: AttributePath) -> Bool {
        let (definition, _) = locate(path, in: JSONObject())
        if let subName = path.subAttribute { return definition?.subAttribute(named: subName)?.caseExact ?? false }
        return definition?.caseExact ?? false
    }

    /// Returns the attribute definition of a top-level path and the object that contains its value.
    private func locate(_ path: AttributePath, in resource: JSONObject) -> (SchemaAttribute?, JSONObject) {
        let schema =
            path.schema.map { urn in schemas.first { $0.id.lowercased() == urn.lowercased() } }
            ?? schemas.first { $0.attribute(named: path.name) != nil }
        guard let schema else { return (nil, JSONObject()) }
        let container =
            schema.id == schemas.first?.id
            ? resource : resource.value(forAttribute: schema.id)?.objectValue ?? JSONObject()
        return (schema.attribute(named: path.name), container)
    }

    /// Rejects a filter that names an attribute the schemas do not define, as the stores do.
    private func checkPaths(_ filter: Filter, parent: SchemaAttribute?) throws(SCIMError) {
        switch filter {
        case .and(let left, let right), .or(let left, let right):
            try checkPaths(left, parent: parent)
            try checkPaths(right, parent: parent)
        case .not(let inner):
            try checkPaths(inner, parent: parent)
        case .valuePath(let path, let inner):
            try checkPaths(inner, parent: try definition(of: path, parent: parent))
        case .comparison(let path, _, _):
            _ = try definition(of: path, parent: parent)
        }
    }

    private func definition(of path: AttributePath, parent: SchemaAttribute?) throws(SCIMError) -> SchemaAttribute {
        let attribute = parent.map { $0.subAttribute(named: path.name) } ?? locate(path, in: JSONObject()).0
        guard let attribute else { throw .invalidFilter("The filter names an unknown attribute '\(path)'.") }
        guard let subName = path.subAttribute else { return attribute }
        guard let sub = attribute.subAttribute(named: subName) else {
            throw .invalidFilter("The filter names an unknown attribute '\(path)'.")
        }
        return sub
    }
}
