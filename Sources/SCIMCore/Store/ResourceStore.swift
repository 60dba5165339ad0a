/// Durable storage for teams, members and API keys, behind which SQLite and PostgreSQL sit.
///
/// Every request runs in exactly one transaction: ``read(_:)`` for requests that change nothing,
/// ``write(_:)`` for the rest. A write commits only when its closure returns, and nothing of it
/// remains when the closure throws. Implementations translate driver failures at their edge:
/// a unique-constraint violation becomes ``SCIMError/uniqueness(_:)``, an unreachable database
/// ``SCIMError/unavailable(_:)``, anything else ``SCIMError/internalFailure(_:)``.
package protocol ResourceStore: Sendable {
    /// Runs `body` in a read-only transaction that reads one consistent snapshot.
    func read<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T

    /// Runs `body` in a read-write transaction and commits it durably when `body` returns.
    func write<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(SCIMError) -> T

    /// Closes every connection. Calls after this fail with ``SCIMError/unavailable(_:)``.
    func close()
}

/// The operations available inside one transaction.
///
/// Writes throw when called inside ``ResourceStore/read(_:)``.
package protocol StoreTransaction: GroupTransaction, ListingTransaction {
    // MARK: Teams

    /// Returns the team with this exact name, deleted or not.
    func team(named name: String) throws(SCIMError) -> TeamRecord?

    /// Returns the team with this id, deleted or not.
    func team(id: Int64) throws(SCIMError) -> TeamRecord?

    /// Inserts a team and returns it with its new id.
    /// - Throws: `uniqueness` when a team, deleted or not, already has the name.
    func insertTeam(name: String, domains: [String], now: Int64) throws(SCIMError) -> TeamRecord

    /// Marks a team deleted. Its members and keys stay, so that its keys get the "team deleted" error.
    func markTeamDeleted(id: Int64, now: Int64) throws(SCIMError)

    // MARK: API keys

    /// Returns the key with this id together with its team and the member who generated it.
    func credential(keyID: String) throws(SCIMError) -> CredentialRecord?

    func insertKey(_ key: APIKeyRecord) throws(SCIMError)

    /// Returns the keys of a team, oldest first, revoked ones included.
    func keys(teamID: Int64) throws(SCIMError) -> [APIKeyRecord]

    /// Marks a key revoked and returns whether a key that was not yet revoked had this id.
    func revokeKey(id: String, now: Int64) throws(SCIMError) -> Bool

    // MARK: Users

    /// Returns the user with this id in any team.
    func user(id: String) throws(SCIMError) -> UserRecord?

    /// Returns the user whose userName equals `userName` without regard to case, in any team.
    func user(userName: String) throws(SCIMError) -> UserRecord?

    /// Returns one page of a team's users in creation order and the number that match in all.
    /// - Parameters:
    ///   - startIndex: the 1-based position of the first user returned.
    ///   - count: the maximum number returned; 0 returns only the total.
    func users(teamID: Int64, matching query: UserQuery, startIndex: Int, count: Int) throws(SCIMError) -> UserPage

    /// Inserts a new user.
    /// - Throws: `uniqueness` when another user has the userName, compared without regard to case.
    func insertUser(_ user: UserRecord) throws(SCIMError)

    /// Stores every field of an existing user, found by id.
    /// - Throws: `uniqueness` when another user has the new userName.
    func updateUser(_ user: UserRecord) throws(SCIMError)
}

/// The conditions a user listing can apply; all set conditions must hold.
package struct UserQuery: Sendable, Equatable {
    /// Matches the userName exactly, letter case included.
    package var userName: String?
    package var active: Bool?

    package init(userName: String? = nil, active: Bool? = nil) {
        self.userName = userName
        self.active = active
    }
}

/// One page of a listing.
package struct UserPage: Sendable, Equatable {
    package var totalResults: Int
    package var users: [UserRecord]

    package init(totalResults: Int, users: [UserRecord]) {
        self.totalResults = totalResults
        self.users = users
    }
}
