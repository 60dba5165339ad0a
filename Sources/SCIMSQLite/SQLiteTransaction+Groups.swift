import SCIMCore

// NOTE: group storage is not built yet; every group operation fails with a 500 until it is.
extension SQLiteTransaction: GroupTransaction {
    private static func missing() -> SCIMError { .internalFailure("group storage is not implemented") }

    func group(id: String) throws(SCIMError) -> GroupRecord? { throw Self.missing() }
    func group(teamID: Int64, displayName: String) throws(SCIMError) -> GroupRecord? { throw Self.missing() }
    func groups(teamID: Int64, matching query: GroupQuery, startIndex: Int, count: Int) throws(SCIMError) -> GroupPage {
        throw Self.missing()
    }
    func insertGroup(_ group: GroupRecord) throws(SCIMError) { throw Self.missing() }
    func updateGroup(_ group: GroupRecord) throws(SCIMError) { throw Self.missing() }
    func deleteGroup(id: String) throws(SCIMError) { throw Self.missing() }
    func members(groupID: String) throws(SCIMError) -> [GroupMember] { throw Self.missing() }
    func members(groupID: String, userIDs: [String]) throws(SCIMError) -> [GroupMember] { throw Self.missing() }
    func addMembers(groupID: String, _ members: [GroupMember]) throws(SCIMError) -> Int { throw Self.missing() }
    func removeMembers(groupID: String, userIDs: [String]) throws(SCIMError) -> Int { throw Self.missing() }
    func removeAllMembers(groupID: String) throws(SCIMError) -> Int { throw Self.missing() }
    func users(ids: [String]) throws(SCIMError) -> [UserRecord] { throw Self.missing() }
    func groups(ofUser userID: String) throws(SCIMError) -> [GroupRecord] { throw Self.missing() }
    func deleteUser(id: String) throws(SCIMError) { throw Self.missing() }
}
