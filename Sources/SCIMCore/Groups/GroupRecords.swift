/// A group of one team. Its members are rows of their own, never a stored array.
package struct GroupRecord: Sendable, Equatable {
    package var id: String
    package var teamID: Int64
    package var displayName: String
    package var externalID: String?
    package var created: Int64
    package var lastModified: Int64
    package var version: Int64

    package init(
        id: String, teamID: Int64, displayName: String, externalID: String? = nil, created: Int64,
        lastModified: Int64, version: Int64 = 1
    ) {
        self.id = id
        self.teamID = teamID
        self.displayName = displayName
        self.externalID = externalID
        self.created = created
        self.lastModified = lastModified
        self.version = version
    }
}

/// One membership: a user of the group's team, with the `display` and `type` the client sent.
package struct GroupMember: Sendable, Equatable {
    package var userID: String
    package var display: String?
    package var type: String?

    package init(userID: String, display: String? = nil, type: String? = nil) {
        self.userID = userID
        self.display = display
        self.type = type
    }
}

/// The conditions a group listing can apply; all set conditions must hold.
package struct GroupQuery: Sendable, Equatable {
    /// Matches the displayName exactly, letter case included.
    package var displayName: String?
    package var externalID: String?
    /// Matches groups that have this user as a member.
    package var memberUserID: String?

    package init(displayName: String? = nil, externalID: String? = nil, memberUserID: String? = nil) {
        self.displayName = displayName
        self.externalID = externalID
        self.memberUserID = memberUserID
    }
}

/// One page of a group listing.
package struct GroupPage: Sendable, Equatable {
    package var totalResults: Int
    package var groups: [GroupRecord]

    package init(totalResults: Int, groups: [GroupRecord]) {
        self.totalResults = totalResults
        self.groups = groups
    }
}
