/// A store that can copy out and take in everything it holds, for moving data between stores.
///
/// `scimd migrate-store` reads a snapshot from one store and writes it into another. Ids, the order of
/// users, groups and members, timestamps, versions, roles and key digests survive the copy.
package protocol StoreExport: ResourceStore {
    /// Reads every team, user, key, group and membership in one read transaction.
    func exportSnapshot() throws(SCIMError) -> StoreSnapshot

    /// Writes `snapshot` in one write transaction; nothing is written when it throws.
    /// - Throws: `invalidValue` when the store already contains a team; the store's errors otherwise.
    func importSnapshot(_ snapshot: StoreSnapshot) throws(SCIMError)
}

/// Every row of a store, with the numbering that decides listing order.
package struct StoreSnapshot: Sendable, Equatable {
    /// A team with its creation and deletion times and the seq its next user and group get.
    package struct Team: Sendable, Equatable {
        package var record: TeamRecord
        package var created: Int64
        package var deletedAt: Int64?
        package var nextUserSeq: Int64
        package var nextGroupSeq: Int64

        package init(record: TeamRecord, created: Int64, deletedAt: Int64?, nextUserSeq: Int64, nextGroupSeq: Int64) {
            self.record = record
            self.created = created
            self.deletedAt = deletedAt
            self.nextUserSeq = nextUserSeq
            self.nextGroupSeq = nextGroupSeq
        }
    }

    /// A user with its position in its team's creation order.
    package struct User: Sendable, Equatable {
        package var record: UserRecord
        package var seq: Int64

        package init(record: UserRecord, seq: Int64) {
            self.record = record
            self.seq = seq
        }
    }

    /// A group with its position in its team's creation order and the seq its next member gets.
    package struct Group: Sendable, Equatable {
        package var record: GroupRecord
        package var seq: Int64
        package var nextMemberSeq: Int64

        package init(record: GroupRecord, seq: Int64, nextMemberSeq: Int64) {
            self.record = record
            self.seq = seq
            self.nextMemberSeq = nextMemberSeq
        }
    }

    /// One membership as stored: `display` is nil when the client sent none.
    package struct Membership: Sendable, Equatable {
        package var groupID: String
        package var member: GroupMember
        package var seq: Int64

        package init(groupID: String, member: GroupMember, seq: Int64) {
            self.groupID = groupID
            self.member = member
            self.seq = seq
        }
    }

    /// Teams in id order.
    package var teams: [Team]
    /// Users ordered by team and seq.
    package var users: [User]
    /// Keys in the order `keys(teamID:)` lists them, team after team.
    package var keys: [APIKeyRecord]
    /// Groups ordered by team and seq.
    package var groups: [Group]
    /// Memberships ordered by group and seq.
    package var memberships: [Membership]

    package init(
        teams: [Team] = [], users: [User] = [], keys: [APIKeyRecord] = [], groups: [Group] = [],
        memberships: [Membership] = []
    ) {
        self.teams = teams
        self.users = users
        self.keys = keys
        self.groups = groups
        self.memberships = memberships
    }
}

extension StoreSnapshot {
    /// The counters a store keeps per team, derived from the rows.
    package struct TeamCounts: Sendable, Equatable {
        package var users: Int64 = 0
        /// Users whose `active` is true.
        package var activeUsers: Int64 = 0
        /// Users whose `active` is false; users with `active` unassigned count as neither.
        package var inactiveUsers: Int64 = 0
        package var groups: Int64 = 0

        package init() {}
    }

    /// Counts the users, active and inactive users and groups of each team.
    package func countsByTeam() -> [Int64: TeamCounts] {
        var counts: [Int64: TeamCounts] = [:]
        for user in users {
            counts[user.record.teamID, default: TeamCounts()].users += 1
            switch user.record.active {
            case true?: counts[user.record.teamID, default: TeamCounts()].activeUsers += 1
            case false?: counts[user.record.teamID, default: TeamCounts()].inactiveUsers += 1
            case nil: break
            }
        }
        for group in groups {
            counts[group.record.teamID, default: TeamCounts()].groups += 1
        }
        return counts
    }
}
