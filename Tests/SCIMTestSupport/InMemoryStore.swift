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
