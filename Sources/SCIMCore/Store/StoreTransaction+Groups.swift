/// The group operations of a transaction. Membership changes cost time in proportion to the members
/// they name, never to the size of the group.
package protocol GroupTransaction {
    /// Returns the group with this id in any team.
    func group(id: String) throws(SCIMError) -> GroupRecord?

    /// Returns the group of a team whose displayName equals `displayName` without regard to case.
    func group(teamID: Int64, displayName: String) throws(SCIMError) -> GroupRecord?

    /// Returns one page of a team's groups in creation order and the number that match in all.
    func groups(teamID: Int64, matching query: GroupQuery, startIndex: Int, count: Int) throws(SCIMError) -> GroupPage

    /// Inserts a new group.
    /// - Throws: `uniqueness` when a group of the team has the displayName, compared without case.
    func insertGroup(_ group: GroupRecord) throws(SCIMError)

    /// Stores every field of an existing group, found by id.
    /// - Throws: `uniqueness` when another group of the team has the new displayName.
    func updateGroup(_ group: GroupRecord) throws(SCIMError)

    /// Deletes a group and its memberships; the users stay.
    func deleteGroup(id: String) throws(SCIMError)

    /// Returns the members of a group in the order they were added.
    func members(groupID: String) throws(SCIMError) -> [GroupMember]

    /// Returns the members of a group whose user id is one of `userIDs`.
    func members(groupID: String, userIDs: [String]) throws(SCIMError) -> [GroupMember]

    /// Adds members; a user who is a member already is skipped. Returns how many were added.
    func addMembers(groupID: String, _ members: [GroupMember]) throws(SCIMError) -> Int

    /// Removes the members with these user ids and returns how many were removed.
    func removeMembers(groupID: String, userIDs: [String]) throws(SCIMError) -> Int

    /// Removes every member and returns how many were removed.
    func removeAllMembers(groupID: String) throws(SCIMError) -> Int

    /// Returns the users with these ids, in any team, in no particular order.
    func users(ids: [String]) throws(SCIMError) -> [UserRecord]

    /// Returns the groups a user belongs to.
    func groups(ofUser userID: String) throws(SCIMError) -> [GroupRecord]

    /// Deletes a user and its memberships.
    func deleteUser(id: String) throws(SCIMError)
}
